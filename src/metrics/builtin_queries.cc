#include "metrics/builtin_queries.h"

namespace aviary::metrics {
namespace {

// The canary revision's series in the ModelDeployment's namespace. `namespace` is the scrape's
// target label (the sidecar does not export it); `revision` is the sidecar's own label (its
// --revision flag, which the controller sets to the revision hash) and equals the target's.
constexpr std::string_view kCanarySelector = R"(namespace="{{namespace}}",revision="{{canary}}")";
constexpr std::string_view kStableSelector = R"(namespace="{{namespace}}",revision="{{stable}}")";

// The rendered pieces every built-in is made of. Values from the spec (a feature name) are
// escaped and added after rendering, so nothing in them is read as a placeholder.
struct Parts {
  std::string canary;  // label matchers, without braces
  std::string range;   // "[30s]"
};

std::string requestErrorRate(const Parts& parts) {
  const std::string all = "aviary_inference_requests_total{" + parts.canary + "}";
  const std::string errors = "aviary_inference_requests_total{" + parts.canary + R"(,code!~"2.."})";
  // `or vector(0)`: a revision with requests but no error series at all has a 0 % error rate, not
  // no data. Without requests the division is 0/0 = NaN, which the gate reads as no data.
  return "100 * (sum(rate(" + errors + parts.range + ")) or vector(0)) / sum(rate(" + all +
         parts.range + "))";
}

std::string latencyQuantile(std::string_view quantile, const Parts& parts) {
  return "1000 * histogram_quantile(" + std::string(quantile) +
         ", sum by (le) (rate(aviary_inference_request_duration_seconds_bucket{" + parts.canary +
         "}" + parts.range + ")))";
}

// The worst pod's worst feature (or the one feature asked for).
std::string featureDrift(std::string_view stat, const api::MetricSpec& metric, const Parts& parts) {
  std::string selector = parts.canary + ",stat=\"" + std::string(stat) + "\"";
  if (metric.feature) selector += ",feature=\"" + escapeLabelValue(*metric.feature) + "\"";
  return "max(aviary_feature_drift{" + selector + "})";
}

// Each group's rate averaged over the canary's pods (each pod keeps its own window of the same
// traffic), then the lowest over the highest. Only groups with at least kMinGroupPredictions
// predictions in the canary's windows count: a rate from a handful of rows swings on chance.
// Fewer than two such groups compare nothing: no data.
std::string positiveRateDisparity(const Parts& parts) {
  const std::string per_group = "(avg by (group) (aviary_group_positive_rate{" + parts.canary +
                                "}) and on (group) (sum by (group) (aviary_group_predictions{" +
                                parts.canary + "}) >= " + std::to_string(kMinGroupPredictions) +
                                "))";
  return "(min(" + per_group + ") / max(" + per_group + ")) and on () (count(" + per_group +
         ") >= 2)";
}

// The pod that agrees least with the stable's predictions.
std::string shadowAgreement(const Parts& parts) {
  return "min(aviary_shadow_agreement_ratio{" + parts.canary + "})";
}

}  // namespace

Result<std::string> builtinQuery(const api::MetricSpec& metric, const QueryContext& context) {
  if (!metric.builtin) {
    return fail(ErrorCode::kInvalidArgument,
                "metric " + metric.name + " is not a built-in (it has a prometheus query)");
  }
  const api::BuiltinMetric builtin = *metric.builtin;
  const bool drift = builtin == api::BuiltinMetric::kFeatureDriftKs ||
                     builtin == api::BuiltinMetric::kFeatureDriftPsi;
  if (metric.feature && !drift) {
    return fail(
        ErrorCode::kInvalidArgument,
        "metric " + metric.name + ": feature applies only to featureDriftKS or featureDriftPSI");
  }
  Parts parts;
  AVIARY_ASSIGN_OR_RETURN(parts.canary, renderQuery(kCanarySelector, context));
  AVIARY_ASSIGN_OR_RETURN(parts.range, renderQuery("[{{interval}}]", context));
  switch (builtin) {
    case api::BuiltinMetric::kErrorRate:
      return requestErrorRate(parts);
    case api::BuiltinMetric::kLatencyP99:
      return latencyQuantile("0.99", parts);
    case api::BuiltinMetric::kLatencyP50:
      return latencyQuantile("0.5", parts);
    case api::BuiltinMetric::kFeatureDriftKs:
      return featureDrift("ks", metric, parts);
    case api::BuiltinMetric::kFeatureDriftPsi:
      return featureDrift("psi", metric, parts);
    case api::BuiltinMetric::kPositiveRateDisparity:
      // The sidecar exports the groups of its one --group-input (spec.model.groupInput) under the
      // label `group`; groupBy names that input, so it selects nothing further here.
      if (!metric.group_by || metric.group_by->empty()) {
        return fail(ErrorCode::kInvalidArgument,
                    "metric " + metric.name + ": positiveRateDisparity needs groupBy");
      }
      return positiveRateDisparity(parts);
    case api::BuiltinMetric::kShadowAgreement:
      return shadowAgreement(parts);
  }
  return fail(ErrorCode::kInternal, "metric " + metric.name + ": unknown built-in");
}

Result<std::string> stableDriftQuery(api::BuiltinMetric metric, const QueryContext& context) {
  std::string_view stat;
  if (metric == api::BuiltinMetric::kFeatureDriftKs) {
    stat = "ks";
  } else if (metric == api::BuiltinMetric::kFeatureDriftPsi) {
    stat = "psi";
  } else {
    return fail(ErrorCode::kInvalidArgument,
                "the drift monitor reads featureDriftKS or featureDriftPSI only");
  }
  Parts parts;
  AVIARY_ASSIGN_OR_RETURN(parts.canary, renderQuery(kStableSelector, context));
  return featureDrift(stat, api::MetricSpec{}, parts);
}

}  // namespace aviary::metrics
