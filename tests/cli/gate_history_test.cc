#include "cli/gate_history.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

using std::chrono::seconds;

api::ModelDeploymentStatus round(const std::string& canary, int at_s, std::optional<double> value) {
  api::ModelDeploymentStatus status;
  status.canary_revision = canary;
  status.analysis = {{"latency", value, api::CheckResult::kPass, "", Timestamp{seconds{at_s}}}};
  return status;
}

TEST(GateHistoryTest, AddsOnePointPerRoundSeen) {
  GateHistory history;
  history.observe(round("b", 10, 1.0));
  history.observe(round("b", 10, 1.0));  // the same round polled again
  history.observe(round("b", 15, std::nullopt));
  history.observe(round("b", 20, 3.0));
  EXPECT_EQ(history.values("latency"),
            (std::vector<std::optional<double>>{1.0, std::nullopt, 3.0}));
  EXPECT_TRUE(history.values("unknown").empty());
}

TEST(GateHistoryTest, KeepsTheLatestCapacityPoints) {
  GateHistory history(3);
  for (int i = 0; i < 5; ++i) history.observe(round("b", i, i));
  EXPECT_EQ(history.values("latency"), (std::vector<std::optional<double>>{2.0, 3.0, 4.0}));
}

TEST(GateHistoryTest, StartsAfreshForANewCanary) {
  GateHistory history;
  history.observe(round("b", 10, 1.0));
  history.observe(round("c", 20, 9.0));
  EXPECT_EQ(history.values("latency"), (std::vector<std::optional<double>>{9.0}));
}

}  // namespace
}  // namespace aviary::cli
