#include "governance/rollout_record.h"

#include <gtest/gtest.h>

#include "tests/governance/sample_card.h"

namespace aviary::governance {
namespace {

using testing::at;

api::AnalysisSpec twoGates() {
  api::AnalysisSpec analysis;
  analysis.metrics = {api::MetricSpec{.name = "p99",
                                      .builtin = api::BuiltinMetric::kLatencyP99,
                                      .prometheus = std::nullopt,
                                      .min = std::nullopt,
                                      .max = 50,
                                      .group_by = std::nullopt,
                                      .feature = std::nullopt},
                      api::MetricSpec{.name = "errors",
                                      .builtin = api::BuiltinMetric::kErrorRate,
                                      .prometheus = std::nullopt,
                                      .min = std::nullopt,
                                      .max = 1,
                                      .group_by = std::nullopt,
                                      .feature = std::nullopt}};
  return analysis;
}

api::ModelDeploymentStatus progressing(std::int32_t step, std::int32_t weight) {
  api::ModelDeploymentStatus status;
  status.phase = api::Phase::kProgressing;
  status.stable_revision = "stable0001";
  status.canary_revision = "canary0001";
  status.current_step = step;
  status.canary_weight = weight;
  status.rollout_started_at = at("2026-12-01T10:00:00Z");
  return status;
}

std::vector<std::string> whats(const RolloutRecord& record) {
  std::vector<std::string> out;
  for (const auto& entry : record.timeline) out.push_back(entry.what);
  return out;
}

TEST(RolloutRecordTest, FoldsAWholePromotedRolloutIntoTimelineAndSamples) {
  const auto analysis = twoGates();
  RolloutRecord record;
  api::ModelDeploymentStatus succeeded;
  succeeded.phase = api::Phase::kSucceeded;
  succeeded.stable_revision = "stable0001";

  auto s0 = progressing(0, 10);
  recordReconcile(record, analysis, succeeded, s0, nullptr, at("2026-12-01T10:00:01Z"));
  const std::vector<api::MetricResult> round = {
      {"p99", 41.0, api::CheckResult::kPass, "", at("2026-12-01T10:00:30Z")},
      {"errors", std::nullopt, api::CheckResult::kNoData, "no series", at("2026-12-01T10:00:30Z")}};
  recordReconcile(record, analysis, s0, s0, &round, at("2026-12-01T10:00:30Z"));
  auto s1 = progressing(1, 50);
  recordReconcile(record, analysis, s0, s1, nullptr, at("2026-12-01T10:01:00Z"));
  auto done = succeeded;
  done.stable_revision = "canary0001";
  done.history = {
      {"canary0001", api::Outcome::kPromoted, "all steps passed", at("2026-12-01T10:02:00Z")}};
  recordReconcile(record, analysis, s1, done, nullptr, at("2026-12-01T10:02:00Z"));

  EXPECT_EQ(record.revision, "canary0001");
  EXPECT_EQ(record.replaced, "stable0001");
  EXPECT_EQ(record.started_at, at("2026-12-01T10:00:00Z"));
  EXPECT_EQ(whats(record), (std::vector<std::string>{"started", "step", "phase", "analysis", "step",
                                                     "phase", "Promoted"}));
  EXPECT_EQ(record.timeline[1].weight, 10);
  EXPECT_EQ(record.timeline[3].detail, "p99=41 Pass, errors=- NoData; failed checks 0");
  EXPECT_EQ(record.timeline[4].weight, 50);
  ASSERT_EQ(record.gates.size(), 2u);
  EXPECT_EQ(record.gates[0].samples,
            (std::vector<GateSample>{{at("2026-12-01T10:00:30Z"), 41.0, api::CheckResult::kPass}}));
  EXPECT_EQ(record.gates[1].samples.at(0).result, api::CheckResult::kNoData);

  api::ModelDeploymentSpec spec;
  spec.model.name = "churn";
  spec.analysis = analysis;
  const auto card = cardOf(record, "churn", "ml", spec, done, done.history.back());
  EXPECT_EQ(card.revision, "canary0001");
  EXPECT_EQ(card.replaced, "stable0001");
  EXPECT_EQ(card.timeline, record.timeline);
  EXPECT_EQ(card.gates, record.gates);
  EXPECT_EQ(card.reason, "all steps passed");
}

TEST(RolloutRecordTest, ANewCanaryRevisionStartsAFreshRecord) {
  const auto analysis = twoGates();
  RolloutRecord record;
  auto first = progressing(0, 10);
  recordReconcile(record, analysis, {}, first, nullptr, at("2026-12-01T10:00:01Z"));
  auto second = first;
  second.canary_revision = "canary0002";
  recordReconcile(record, analysis, first, second, nullptr, at("2026-12-01T10:05:00Z"));
  EXPECT_EQ(record.revision, "canary0002");
  EXPECT_EQ(whats(record), std::vector<std::string>{"started"});
}

TEST(RolloutRecordTest, KeepsOnlyTheNewestSamplesOfAGate) {
  const auto analysis = twoGates();
  RolloutRecord record;
  const auto status = progressing(0, 10);
  recordReconcile(record, analysis, {}, status, nullptr, at("2026-12-01T10:00:00Z"));
  for (std::size_t i = 0; i < kMaxSamples + 5; ++i) {
    const std::vector<api::MetricResult> round = {
        {"p99", static_cast<double>(i), api::CheckResult::kPass, "", Timestamp{}}};
    recordReconcile(record, analysis, status, status, &round, at("2026-12-01T10:00:00Z"));
  }
  EXPECT_EQ(record.gates[0].samples.size(), kMaxSamples);
  EXPECT_EQ(record.gates[0].samples.front().value, 5.0);
  EXPECT_EQ(record.timeline.size(), kMaxTimeline);
}

TEST(RolloutRecordTest, AfterARestartTheCardHoldsWhatTheStatusKnows) {
  api::ModelDeploymentSpec spec;
  spec.model.name = "churn";
  spec.analysis = twoGates();
  api::ModelDeploymentStatus after;
  after.phase = api::Phase::kFailed;
  after.stable_revision = "stable0001";
  after.canary_revision = "canary0001";
  after.rollout_started_at = at("2026-12-01T10:00:00Z");
  after.analysis = {{"errors", 7.5, api::CheckResult::kFail, "", at("2026-12-01T10:01:00Z")}};
  after.history = {
      {"canary0001", api::Outcome::kRolledBack, "errors above 1", at("2026-12-01T10:01:10Z")}};
  const auto card = cardOf(RolloutRecord{}, "churn", "ml", spec, after, after.history.back());
  EXPECT_EQ(card.replaced, "stable0001");
  EXPECT_EQ(card.started_at, at("2026-12-01T10:00:00Z"));
  ASSERT_EQ(card.timeline.size(), 1u);
  EXPECT_EQ(card.timeline[0].what, "RolledBack");
  EXPECT_TRUE(card.gates[0].samples.empty());
  EXPECT_EQ(card.gates[1].samples,
            (std::vector<GateSample>{{at("2026-12-01T10:01:00Z"), 7.5, api::CheckResult::kFail}}));
}

TEST(NewOutcomeTest, OnlyWhenThisReconcileAddedTheEntry) {
  api::ModelDeploymentStatus before;
  api::ModelDeploymentStatus after;
  EXPECT_FALSE(newOutcome(before, after));
  after.history = {{"r1", api::Outcome::kPromoted, "ok", at("2026-12-01T10:00:00Z")}};
  EXPECT_EQ(newOutcome(before, after)->revision, "r1");
  before = after;
  EXPECT_FALSE(newOutcome(before, after));
}

}  // namespace
}  // namespace aviary::governance
