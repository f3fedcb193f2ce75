#pragma once

#include <string>

#include "api/spec.h"
#include "common/result.h"
#include "metrics/query_template.h"

// The built-in gates as PromQL over the sidecar's metrics (DESIGN.md, "Sidecar metrics"; the
// queries, units and no-data cases are listed in src/metrics/README.md). Pure.
namespace aviary::metrics {

// positiveRateDisparity ignores a group with fewer predictions than this in the canary's fairness
// windows (summed over its pods).
inline constexpr int kMinGroupPredictions = 20;

// The PromQL for `metric.builtin` about the canary revision of `context` in its namespace: one
// series (aggregated over the revision's pods), or an empty result when the sidecar exports
// nothing yet. InvalidArgument when `metric` is not a built-in, or when its fields do not fit it
// (positiveRateDisparity without groupBy; feature on a gate other than featureDrift*).
Result<std::string> builtinQuery(const api::MetricSpec& metric, const QueryContext& context);

// The PromQL of the retraining trigger (spec.monitoring.drift): `metric`, featureDriftKS or
// featureDriftPSI, about the *stable* revision of `context`: the worst feature of its worst pod,
// as the drift gates read the canary. InvalidArgument for any other metric.
Result<std::string> stableDriftQuery(api::BuiltinMetric metric, const QueryContext& context);

}  // namespace aviary::metrics
