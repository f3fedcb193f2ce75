#include "governance/drift_episode.h"

#include <gtest/gtest.h>

#include <vector>

#include "api/conditions.h"

namespace aviary::governance {
namespace {

using std::chrono::seconds;

Timestamp at(int s) { return Timestamp{} + seconds(1'800'000'000 + s); }

struct Reading {
  int at_seconds;
  std::optional<double> value;
  DriftChange want_change;
  bool want_notify;
  bool notify_succeeds = true;  // what the controller reports back after a call
};

struct Case {
  const char* name;
  std::vector<Reading> readings;
};

class DriftEpisodeTest : public ::testing::TestWithParam<Case> {};

// Feeds the readings through stepDrift as the controller does (marking the episode notified when
// the call succeeds) and checks each step's change and notify.
TEST_P(DriftEpisodeTest, FiresOncePerEpisodeAfterTheSustainedPeriod) {
  DriftEpisode episode;
  for (std::size_t i = 0; i < GetParam().readings.size(); ++i) {
    const auto& reading = GetParam().readings[i];
    auto step = stepDrift(episode, reading.value, 0.2, seconds(10), at(reading.at_seconds));
    EXPECT_EQ(step.change, reading.want_change) << "reading " << i;
    EXPECT_EQ(step.notify, reading.want_notify) << "reading " << i;
    episode = step.episode;
    if (step.notify && reading.notify_succeeds) episode.notified = true;
  }
}

const Case kCases[] = {
    {"BelowMaxNeverFires",
     {{0, 0.1, DriftChange::kNone, false}, {20, 0.2, DriftChange::kNone, false}}},
    {"AboveForLessThanTheSustainDoesNotFire",
     {{0, 0.5, DriftChange::kNone, false},
      {9, 0.5, DriftChange::kNone, false},
      {10, 0.1, DriftChange::kNone, false},
      {19, 0.5, DriftChange::kNone, false}}},
    {"SustainedDriftFiresOnceThenClears",
     {{0, 0.5, DriftChange::kNone, false},
      {10, 0.6, DriftChange::kDetected, true},
      {20, 0.7, DriftChange::kNone, false},
      {30, 0.1, DriftChange::kCleared, false},
      {40, 0.1, DriftChange::kNone, false}}},
    {"ASecondEpisodeFiresAgain",
     {{0, 0.5, DriftChange::kNone, false},
      {10, 0.5, DriftChange::kDetected, true},
      {20, 0.1, DriftChange::kCleared, false},
      {30, 0.5, DriftChange::kNone, false},
      {40, 0.5, DriftChange::kDetected, true}}},
    {"AFailedCallIsRetriedUntilItSucceeds",
     {{0, 0.5, DriftChange::kNone, false},
      {10, 0.5, DriftChange::kDetected, true, false},
      {20, 0.5, DriftChange::kNone, true, false},
      {30, std::nullopt, DriftChange::kNone, true},
      {40, 0.5, DriftChange::kNone, false}}},
    {"MissingReadingsNeitherStartNorEndAnEpisode",
     {{0, std::nullopt, DriftChange::kNone, false},
      {5, 0.5, DriftChange::kNone, false},
      {10, std::nullopt, DriftChange::kNone, false},
      {15, 0.5, DriftChange::kDetected, true},
      {25, std::nullopt, DriftChange::kNone, false},
      {35, 0.5, DriftChange::kNone, false}}},
};

INSTANTIATE_TEST_SUITE_P(Readings, DriftEpisodeTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

api::DriftMonitor monitor() {
  return api::DriftMonitor{.metric = api::BuiltinMetric::kFeatureDriftKs,
                           .max = 0.2,
                           .sustain = seconds(10),
                           .interval = seconds(5),
                           .webhook = std::nullopt};
}

api::ModelDeploymentStatus stableAt(const std::string& revision) {
  api::ModelDeploymentStatus status;
  status.phase = api::Phase::kSucceeded;
  status.stable_revision = revision;
  return status;
}

const api::Condition* driftCondition(const api::ModelDeploymentStatus& status) {
  return api::findCondition(status.conditions, "DriftDetected");
}

TEST(FoldStableDriftTest, KeepsNoStateWhileDriftIsAtOrBelowMax) {
  auto status = stableAt("1a2b3c4d5e");
  const auto step = foldStableDrift(monitor(), status, 0.2, 3, at(0));
  EXPECT_FALSE(status.drift);
  EXPECT_EQ(driftCondition(status), nullptr);
  EXPECT_FALSE(step.event);
  EXPECT_FALSE(step.notify);
}

TEST(FoldStableDriftTest, AnEpisodeSetsTheConditionEmitsAWarningAndAsksForTheWebhook) {
  auto status = stableAt("1a2b3c4d5e");
  foldStableDrift(monitor(), status, 0.5, 3, at(0));
  ASSERT_TRUE(status.drift);
  EXPECT_EQ(status.drift->above_since, at(0));
  EXPECT_FALSE(status.drift->detected_at);
  EXPECT_EQ(driftCondition(status), nullptr);

  const auto step = foldStableDrift(monitor(), status, 0.43, 3, at(10));
  ASSERT_TRUE(step.event);
  EXPECT_TRUE(step.event->warning);
  EXPECT_EQ(step.event->reason, "DriftDetected");
  EXPECT_TRUE(step.notify);
  EXPECT_EQ(status.drift->detected_at, at(10));
  const api::Condition* condition = driftCondition(status);
  ASSERT_NE(condition, nullptr);
  EXPECT_EQ(condition->status, "True");
  EXPECT_EQ(condition->reason, "DriftAboveMax");
  EXPECT_EQ(condition->observed_generation, 3);
  EXPECT_NE(condition->message.find("featureDriftKS of stable 1a2b3c4d5e"), std::string::npos)
      << condition->message;
  EXPECT_NE(condition->message.find("now 0.43"), std::string::npos) << condition->message;

  status.drift->notified = true;  // the webhook took it
  const auto again = foldStableDrift(monitor(), status, 0.6, 3, at(15));
  EXPECT_FALSE(again.notify);
  EXPECT_FALSE(again.event);
  EXPECT_EQ(driftCondition(status)->last_transition_time, at(10));
}

TEST(FoldStableDriftTest, CleanReadingsEndTheEpisode) {
  auto status = stableAt("1a2b3c4d5e");
  foldStableDrift(monitor(), status, 0.5, 3, at(0));
  foldStableDrift(monitor(), status, 0.5, 3, at(10));
  const auto step = foldStableDrift(monitor(), status, 0.05, 4, at(20));
  ASSERT_TRUE(step.event);
  EXPECT_FALSE(step.event->warning);
  EXPECT_EQ(step.event->reason, "DriftCleared");
  EXPECT_FALSE(status.drift);
  EXPECT_EQ(driftCondition(status)->status, "False");
  EXPECT_EQ(driftCondition(status)->reason, "DriftBelowMax");
  EXPECT_EQ(driftCondition(status)->last_transition_time, at(20));
}

TEST(FoldStableDriftTest, ANewStableEndsTheEpisodeOfTheOldOne) {
  auto status = stableAt("1a2b3c4d5e");
  foldStableDrift(monitor(), status, 0.5, 3, at(0));
  foldStableDrift(monitor(), status, 0.5, 3, at(10));
  status.stable_revision = "9f9f9f9f9f";
  const auto step = foldStableDrift(monitor(), status, std::nullopt, 4, at(20));
  ASSERT_TRUE(step.event);
  EXPECT_EQ(step.event->reason, "DriftCleared");
  EXPECT_EQ(driftCondition(status)->reason, "NewStableRevision");
  EXPECT_FALSE(status.drift);
  EXPECT_FALSE(step.notify);
}

TEST(FoldStableDriftTest, NoMonitorDropsTheStateAndClearsTheCondition) {
  auto status = stableAt("1a2b3c4d5e");
  foldStableDrift(monitor(), status, 0.5, 3, at(0));
  foldStableDrift(monitor(), status, 0.5, 3, at(10));
  foldStableDrift(std::nullopt, status, 0.9, 5, at(20));
  EXPECT_FALSE(status.drift);
  EXPECT_EQ(driftCondition(status)->status, "False");
  EXPECT_EQ(driftCondition(status)->reason, "MonitoringOff");
}

TEST(DriftWebhookBodyTest, CarriesTheEpisodeAndAnIdThatRepeatsForIt) {
  api::ModelDeploymentSpec spec;
  spec.model.name = "churn";
  spec.model.version = "3";
  spec.model.uri = "file:///models/churn/v3";
  spec.monitoring.drift = monitor();
  const api::DriftStatus drift{
      .revision = "1a2b3c4d5e", .above_since = at(0), .detected_at = at(10), .notified = false};
  const auto body = driftWebhookBody("ml", "churn", spec, drift, 0.43);
  EXPECT_EQ(body.at("kind"), "DriftDetected");
  EXPECT_EQ(body.at("modelDeployment"), (nlohmann::json{{"namespace", "ml"}, {"name", "churn"}}));
  EXPECT_EQ(body.at("revision"), "1a2b3c4d5e");
  EXPECT_EQ(body.at("model").at("version"), "3");
  EXPECT_EQ(body.at("metric"), "featureDriftKS");
  EXPECT_EQ(body.at("value"), 0.43);
  EXPECT_EQ(body.at("max"), 0.2);
  EXPECT_EQ(body.at("for"), "10s");
  EXPECT_EQ(body.at("aboveSince"), "2027-01-15T08:00:00Z");
  // A retry about the same episode (another value, later) carries the same id; another episode
  // does not.
  const auto retry = driftWebhookBody("ml", "churn", spec, drift, 0.6);
  EXPECT_EQ(retry.at("id"), body.at("id"));
  api::DriftStatus next = drift;
  next.above_since = at(40);
  EXPECT_NE(driftWebhookBody("ml", "churn", spec, next, 0.6).at("id"), body.at("id"));
}

}  // namespace
}  // namespace aviary::governance
