#include "kube/events.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_kube.h"

namespace aviary::kube {
namespace {

using std::chrono::seconds;
using testing::FakeClock;
using testing::FakeKube;

const Json kModel = {{"apiVersion", "aviary.dev/v1alpha1"},
                     {"kind", "ModelDeployment"},
                     {"metadata", {{"name", "churn"}, {"namespace", "ml"}, {"uid", "u1"}}}};

std::vector<Json> events(FakeKube& kube) {
  return kube.list(resources::kEvents.in("ml"), {})->items;
}

TEST(EventRecorderTest, CreatesAnEventsV1EventAboutTheObject) {
  auto kube = std::make_shared<FakeKube>();
  EventRecorder recorder(kube, std::make_shared<FakeClock>());
  recorder.record(kModel, EventType::kWarning, "AnalysisFailed", "Analyse", "latency-p99 72 > 50");
  auto all = events(*kube);
  ASSERT_EQ(all.size(), 1u);
  const Json& event = all[0];
  EXPECT_EQ(event["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["reason"], "AnalysisFailed");
  EXPECT_EQ(event["action"], "Analyse");
  EXPECT_EQ(event["note"], "latency-p99 72 > 50");
  EXPECT_EQ(event["regarding"]["kind"], "ModelDeployment");
  EXPECT_EQ(event["regarding"]["uid"], "u1");
  EXPECT_EQ(event["reportingController"], "aviary.dev/controller");
  EXPECT_FALSE(event["eventTime"].get<std::string>().empty());
}

TEST(EventRecorderTest, RepeatsBecomeOneSeriesWrittenAtMostOncePerInterval) {
  auto kube = std::make_shared<FakeKube>();
  auto clock = std::make_shared<FakeClock>();
  EventRecorder recorder(kube, clock);
  for (int i = 0; i < 100; ++i) {
    recorder.record(kModel, EventType::kNormal, "Waiting", "Analyse", "no data yet");
    clock->advance(seconds{1});
  }
  recorder.flush();
  auto all = events(*kube);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["series"]["count"], 100);
  EXPECT_LE(recorder.writes(), 1 + 100 / 30 + 1) << "one create, then one series write per 30 s";
}

TEST(EventRecorderTest, AFlappingConditionIsAggregatedNotFlooded) {
  auto kube = std::make_shared<FakeKube>();
  auto clock = std::make_shared<FakeClock>();
  EventRecorder recorder(kube, clock);
  for (int i = 0; i < 200; ++i) {
    recorder.record(kModel, EventType::kWarning, "HealthChanged", "Observe",
                    i % 2 == 0 ? "canary unhealthy: " + std::to_string(i)
                               : "canary healthy: " + std::to_string(i));
    clock->advance(seconds{1});
  }
  recorder.flush();
  auto all = events(*kube);
  EXPECT_LE(all.size(), 12u);
  bool combined = false;
  for (const auto& event : all) {
    if (event["note"].get<std::string>().starts_with("(combined from similar events)"))
      combined = true;
  }
  EXPECT_TRUE(combined);
  EXPECT_LE(recorder.writes(), 30);
}

TEST(EventRecorderTest, AnIdenticalEventAfterTheSeriesWindowStartsANewEvent) {
  auto kube = std::make_shared<FakeKube>();
  auto clock = std::make_shared<FakeClock>();
  EventRecorder recorder(kube, clock);
  recorder.record(kModel, EventType::kNormal, "Promoted", "Promote", "revision 2");
  clock->advance(std::chrono::minutes{7});
  recorder.record(kModel, EventType::kNormal, "Promoted", "Promote", "revision 2");
  EXPECT_EQ(events(*kube).size(), 2u);
}

}  // namespace
}  // namespace aviary::kube
