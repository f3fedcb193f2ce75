#include "controller/analysis_round.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_provider.h"

// One round: each gate's query rendered, asked of its provider, and judged; every failure on the
// way is an Error result for that gate, never a pass.
namespace aviary::controller {
namespace {

const Timestamp kNow{std::chrono::hours{480000}};
const metrics::QueryContext kContext{"churn", "ml", "canary1", "stable1", "30s"};

api::MetricSpec templated(std::string name, std::string query, double max) {
  api::MetricSpec metric;
  metric.name = std::move(name);
  metric.prometheus = api::PrometheusQuery{std::move(query), std::nullopt};
  metric.max = max;
  return metric;
}

TEST(AnalysisRoundTest, JudgesEachGateOnItsRenderedQuery) {
  auto provider = std::make_shared<testing::FakeProvider>();
  provider->set("errors", 0.5);
  provider->set("latency", 80.0);
  api::AnalysisSpec analysis;
  analysis.metrics = {templated("errors", "errors{rev=\"{{canary}}\",ns=\"{{namespace}}\"}", 1),
                      templated("latency", "latency{rev=\"{{canary}}\"}[{{interval}}]", 50),
                      templated("empty", "nothing{rev=\"{{stable}}\"}", 1)};
  const auto results = runAnalysisRound(
      analysis, kContext, [&](const auto&) -> Result<metrics::Provider::Ptr> { return provider; },
      kNow);

  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].result, api::CheckResult::kPass);
  EXPECT_EQ(results[1].result, api::CheckResult::kFail);
  EXPECT_EQ(results[2].result, api::CheckResult::kNoData);
  EXPECT_EQ(provider->queries(), (std::vector<std::string>{"errors{rev=\"canary1\",ns=\"ml\"}",
                                                           "latency{rev=\"canary1\"}[30s]",
                                                           "nothing{rev=\"stable1\"}"}));
}

TEST(AnalysisRoundTest, ProviderQueryOrTemplateFailuresAreErrors) {
  auto provider = std::make_shared<testing::FakeProvider>();
  api::AnalysisSpec analysis;
  analysis.metrics = {templated("bad-template", "x{{unknown}}", 1)};
  auto results = runAnalysisRound(
      analysis, kContext, [&](const auto&) -> Result<metrics::Provider::Ptr> { return provider; },
      kNow);
  EXPECT_EQ(results.at(0).result, api::CheckResult::kError);

  analysis.metrics = {templated("errors", "errors", 1)};
  provider->setError(Error{ErrorCode::kUnavailable, "connection refused"});
  results = runAnalysisRound(
      analysis, kContext, [&](const auto&) -> Result<metrics::Provider::Ptr> { return provider; },
      kNow);
  EXPECT_EQ(results.at(0).result, api::CheckResult::kError);
  EXPECT_NE(results.at(0).message.find("connection refused"), std::string::npos);

  results = runAnalysisRound(
      analysis, kContext,
      [](const auto&) -> Result<metrics::Provider::Ptr> {
        return fail(ErrorCode::kFailedPrecondition, "no Prometheus configured");
      },
      kNow);
  EXPECT_EQ(results.at(0).result, api::CheckResult::kError);
}

TEST(AnalysisRoundTest, BuiltinGatesUseTheBuiltinQuery) {
  auto provider = std::make_shared<testing::FakeProvider>();
  provider->setDefault(0.0);
  api::MetricSpec metric;
  metric.name = "error-rate";
  metric.builtin = api::BuiltinMetric::kErrorRate;
  metric.max = 1;
  api::AnalysisSpec analysis;
  analysis.metrics = {metric};
  const auto results = runAnalysisRound(
      analysis, kContext, [&](const auto&) -> Result<metrics::Provider::Ptr> { return provider; },
      kNow);
  EXPECT_EQ(results.at(0).result, api::CheckResult::kPass);
  ASSERT_EQ(provider->queries().size(), 1u);
  EXPECT_EQ(provider->queries()[0], *queryFor(metric, kContext));
  EXPECT_NE(provider->queries()[0].find("canary1"), std::string::npos);
}

}  // namespace
}  // namespace aviary::controller
