#include "rollout/analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace aviary::rollout {
namespace {

using api::CheckResult;

api::MetricSpec gate(std::optional<double> min, std::optional<double> max) {
  api::MetricSpec metric;
  metric.name = "m";
  metric.min = min;
  metric.max = max;
  return metric;
}

TEST(EvaluateTest, ComparesValuesWithInclusiveBounds) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  struct Row {
    const char* name;
    api::MetricSpec metric;
    std::optional<double> value;
    CheckResult want;
  };
  const Row rows[] = {
      {"below max", gate({}, 1.0), 0.5, CheckResult::kPass},
      {"at max passes", gate({}, 1.0), 1.0, CheckResult::kPass},
      {"above max", gate({}, 1.0), 1.01, CheckResult::kFail},
      {"at min passes", gate(0.8, {}), 0.8, CheckResult::kPass},
      {"below min", gate(0.8, {}), 0.79, CheckResult::kFail},
      {"inside band", gate(0.8, 1.25), 1.0, CheckResult::kPass},
      {"above band", gate(0.8, 1.25), 1.3, CheckResult::kFail},
      {"no sample", gate({}, 1.0), std::nullopt, CheckResult::kNoData},
      {"NaN is no traffic", gate({}, 1.0), std::nan(""), CheckResult::kNoData},
      {"+Inf latency fails a max", gate({}, 50.0), kInf, CheckResult::kFail},
      {"-Inf fails a min", gate(5.0, {}), -kInf, CheckResult::kFail},
  };
  for (const auto& row : rows) EXPECT_EQ(evaluate(row.metric, row.value), row.want) << row.name;
}

TEST(CheckMetricTest, SaysWhyAndDropsNaN) {
  const Timestamp at{std::chrono::seconds{100}};
  auto failed = checkMetric(gate({}, 1.0), 2.5, at);
  EXPECT_EQ(failed.result, CheckResult::kFail);
  EXPECT_EQ(failed.message, "2.5 is above the maximum 1");
  EXPECT_EQ(failed.at, at);
  auto nan = checkMetric(gate({}, 1.0), std::nan(""), at);
  EXPECT_EQ(nan.result, CheckResult::kNoData);
  EXPECT_FALSE(nan.value.has_value());
  auto error = providerError(gate({}, 1.0), "connection refused", at);
  EXPECT_EQ(error.result, CheckResult::kError);
  EXPECT_EQ(error.message, "connection refused");
}

api::MetricResult result(const char* name, CheckResult r) {
  api::MetricResult out;
  out.name = name;
  out.result = r;
  return out;
}

TEST(JudgeRoundTest, FailBeatsErrorBeatsNoDataBeatsPass) {
  api::AnalysisSpec hold;
  hold.metrics = {gate({}, 1.0), gate({}, 1.0)};
  hold.metrics[0].name = "a";
  hold.metrics[1].name = "b";
  api::AnalysisSpec fail_on_no_data = hold;
  fail_on_no_data.no_data = api::NoDataPolicy::kFail;
  using enum CheckResult;
  struct Row {
    const char* name;
    api::AnalysisSpec spec;
    std::vector<api::MetricResult> results;
    Verdict want;
  };
  const Row rows[] = {
      {"all pass", hold, {result("a", kPass), result("b", kPass)}, Verdict::kPass},
      {"one fails", hold, {result("a", kFail), result("b", kError)}, Verdict::kFail},
      {"error is never a pass", hold, {result("a", kPass), result("b", kError)}, Verdict::kError},
      {"error beats no data", hold, {result("a", kNoData), result("b", kError)}, Verdict::kError},
      {"noData: hold holds", hold, {result("a", kPass), result("b", kNoData)}, Verdict::kNoData},
      {"noData: fail fails",
       fail_on_no_data,
       {result("a", kPass), result("b", kNoData)},
       Verdict::kFail},
      {"a missing metric is no data", hold, {result("a", kPass)}, Verdict::kNoData},
      {"no metrics passes", api::AnalysisSpec{}, {}, Verdict::kPass},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(judgeRound(row.spec, row.results).verdict, row.want) << row.name;
  }
  auto named = judgeRound(fail_on_no_data, {result("a", kFail), result("b", kNoData)});
  EXPECT_EQ(named.failed, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace aviary::rollout
