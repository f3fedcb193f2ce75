#include "governance/drift_episode.h"

#include <gtest/gtest.h>

#include <vector>

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

}  // namespace
}  // namespace aviary::governance
