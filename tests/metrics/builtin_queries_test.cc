#include "metrics/builtin_queries.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api/json.h"
#include "api/names.h"
#include "tests/api/yaml_to_json.h"

namespace aviary::metrics {
namespace {

using api::BuiltinMetric;

const QueryContext kContext = {
    .name = "churn", .ns = "ml", .canary = "1a2b3c", .stable = "9f8e7d", .interval = "30s"};

api::MetricSpec builtin(BuiltinMetric metric) {
  api::MetricSpec spec;
  spec.name = "gate";
  spec.builtin = metric;
  spec.max = 1;
  return spec;
}

struct QueryCase {
  std::string title;
  api::MetricSpec spec;
  std::string want;
};

std::vector<QueryCase> cases() {
  api::MetricSpec ks_one = builtin(BuiltinMetric::kFeatureDriftKs);
  ks_one.feature = "tenure";
  api::MetricSpec psi_one = builtin(BuiltinMetric::kFeatureDriftPsi);
  psi_one.feature = R"(odd"name\)";
  api::MetricSpec fairness = builtin(BuiltinMetric::kPositiveRateDisparity);
  fairness.group_by = "region";
  return {
      {"errorRate", builtin(BuiltinMetric::kErrorRate),
       R"(100 * (sum(rate(aviary_inference_requests_total{namespace="ml",revision="1a2b3c",code!~"2.."}[30s])) or vector(0)))"
       R"( / sum(rate(aviary_inference_requests_total{namespace="ml",revision="1a2b3c"}[30s])))"},
      {"latencyP99", builtin(BuiltinMetric::kLatencyP99),
       R"(1000 * histogram_quantile(0.99, sum by (le) (rate(aviary_inference_request_duration_seconds_bucket{namespace="ml",revision="1a2b3c"}[30s]))))"},
      {"latencyP50", builtin(BuiltinMetric::kLatencyP50),
       R"(1000 * histogram_quantile(0.5, sum by (le) (rate(aviary_inference_request_duration_seconds_bucket{namespace="ml",revision="1a2b3c"}[30s]))))"},
      {"featureDriftKS", builtin(BuiltinMetric::kFeatureDriftKs),
       R"(max(aviary_feature_drift{namespace="ml",revision="1a2b3c",stat="ks"}))"},
      {"featureDriftPSI", builtin(BuiltinMetric::kFeatureDriftPsi),
       R"(max(aviary_feature_drift{namespace="ml",revision="1a2b3c",stat="psi"}))"},
      {"featureDriftKS of one feature", ks_one,
       R"(max(aviary_feature_drift{namespace="ml",revision="1a2b3c",stat="ks",feature="tenure"}))"},
      {"featureDriftPSI of a feature that needs escaping", psi_one,
       R"(max(aviary_feature_drift{namespace="ml",revision="1a2b3c",stat="psi",feature="odd\"name\\"}))"},
      {"positiveRateDisparity", fairness,
       R"((min((avg by (group) (aviary_group_positive_rate{namespace="ml",revision="1a2b3c"}))"
       R"( and on (group) (sum by (group) (aviary_group_predictions{namespace="ml",revision="1a2b3c"}) >= 20))))"
       R"( / max((avg by (group) (aviary_group_positive_rate{namespace="ml",revision="1a2b3c"}))"
       R"( and on (group) (sum by (group) (aviary_group_predictions{namespace="ml",revision="1a2b3c"}) >= 20)))))"
       R"( and on () (count((avg by (group) (aviary_group_positive_rate{namespace="ml",revision="1a2b3c"}))"
       R"( and on (group) (sum by (group) (aviary_group_predictions{namespace="ml",revision="1a2b3c"}) >= 20))) >= 2))"},
      {"shadowAgreement", builtin(BuiltinMetric::kShadowAgreement),
       R"(min(aviary_shadow_agreement_ratio{namespace="ml",revision="1a2b3c"}))"},
  };
}

TEST(BuiltinQueryTest, WritesThePromQlOfEachGateForTheCanary) {
  for (const auto& c : cases()) {
    auto got = builtinQuery(c.spec, kContext);
    ASSERT_TRUE(got.has_value()) << c.title << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.title;
  }
}

TEST(BuiltinQueryTest, EveryBuiltinHasAQueryAboutTheCanaryAlone) {
  for (const auto& [metric, name] : api::EnumNames<BuiltinMetric>::kTable) {
    api::MetricSpec spec = builtin(metric);
    if (metric == BuiltinMetric::kPositiveRateDisparity) spec.group_by = "region";
    auto got = builtinQuery(spec, kContext);
    ASSERT_TRUE(got.has_value()) << name << ": " << got.error().message;
    EXPECT_NE(got->find(R"(revision="1a2b3c")"), std::string::npos) << name << ": " << *got;
    EXPECT_NE(got->find(R"(namespace="ml")"), std::string::npos) << name << ": " << *got;
    EXPECT_EQ(got->find("9f8e7d"), std::string::npos) << name << " reads the stable: " << *got;
    EXPECT_EQ(got->find("{{"), std::string::npos) << name << ": " << *got;
  }
}

TEST(BuiltinQueryTest, UsesTheContextsIntervalAndEscapesItsValues) {
  QueryContext context = kContext;
  context.ns = R"(n"s)";
  context.interval = "2m";
  auto got = builtinQuery(builtin(BuiltinMetric::kErrorRate), context);
  ASSERT_TRUE(got.has_value());
  EXPECT_NE(got->find(R"(namespace="n\"s")"), std::string::npos) << *got;
  EXPECT_NE(got->find("[2m]"), std::string::npos) << *got;
  EXPECT_EQ(got->find("[30s]"), std::string::npos) << *got;
}

TEST(BuiltinQueryTest, AFeatureIsNeverReadAsAPlaceholder) {
  api::MetricSpec spec = builtin(BuiltinMetric::kFeatureDriftKs);
  spec.feature = "{{stable}}";
  auto got = builtinQuery(spec, kContext);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_NE(got->find(R"(feature="{{stable}}")"), std::string::npos) << *got;
}

TEST(BuiltinQueryTest, RejectsSpecsThatDoNotFitTheGate) {
  api::MetricSpec custom;
  custom.name = "revenue";
  custom.prometheus = api::PrometheusQuery{.query = "up", .address = std::nullopt};
  api::MetricSpec no_group = builtin(BuiltinMetric::kPositiveRateDisparity);
  api::MetricSpec stray_feature = builtin(BuiltinMetric::kLatencyP99);
  stray_feature.feature = "tenure";
  const std::pair<api::MetricSpec, std::string> cases[] = {
      {custom, "not a built-in"},
      {no_group, "needs groupBy"},
      {stray_feature, "feature applies only to"},
  };
  for (const auto& [spec, message] : cases) {
    auto got = builtinQuery(spec, kContext);
    ASSERT_FALSE(got.has_value()) << message;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(got.error().message.find(message), std::string::npos) << got.error().message;
  }
}

// What users copy must work: every built-in gate of examples/ has a query, and a fairness gate
// groups by the input the sidecar reads groups from (spec.model.groupInput, exported as `group`).
TEST(BuiltinQueryTest, EveryBuiltinGateOfTheExamplesHasAQuery) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator("examples")) {
    if (entry.path().extension() != ".yaml") continue;
    for (const auto& document : YAML::LoadAllFromFile(entry.path().string())) {
      const auto object = api::testing::yamlToJson(document);
      if (object.value("kind", "") != "ModelDeployment") continue;
      auto spec = api::specFromJson(object.at("spec"));
      ASSERT_TRUE(spec.has_value()) << entry.path() << ": " << spec.error().message;
      for (const auto& metric : spec->analysis.metrics) {
        if (!metric.builtin) continue;
        auto got = builtinQuery(metric, kContext);
        EXPECT_TRUE(got.has_value())
            << entry.path() << " " << metric.name << ": " << got.error().message;
        if (metric.group_by) {
          EXPECT_EQ(metric.group_by, spec->model.group_input) << entry.path() << " " << metric.name;
        }
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 4);
}

TEST(StableDriftQueryTest, ReadsTheStableRevisionsWorstFeature) {
  EXPECT_EQ(stableDriftQuery(BuiltinMetric::kFeatureDriftKs, kContext).value(),
            R"(max(aviary_feature_drift{namespace="ml",revision="9f8e7d",stat="ks"}))");
  EXPECT_EQ(stableDriftQuery(BuiltinMetric::kFeatureDriftPsi, kContext).value(),
            R"(max(aviary_feature_drift{namespace="ml",revision="9f8e7d",stat="psi"}))");
}

TEST(StableDriftQueryTest, RefusesAMetricThatIsNotDrift) {
  EXPECT_EQ(stableDriftQuery(BuiltinMetric::kLatencyP99, kContext).error().code,
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace aviary::metrics
