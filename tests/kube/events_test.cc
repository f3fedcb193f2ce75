#include "kube/events.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

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
  recorder.flush();
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

TEST(EventRecorderTest, AnIdleWriterWritesDueSeriesCountsWithoutAFlush) {
  auto kube = std::make_shared<FakeKube>();
  auto clock = std::make_shared<FakeClock>();
  EventRecorderOptions options;
  options.series_write_interval = std::chrono::milliseconds{50};
  EventRecorder recorder(kube, clock, options);
  recorder.record(kModel, EventType::kNormal, "Waiting", "Analyse", "no data yet");
  recorder.record(kModel, EventType::kNormal, "Waiting", "Analyse", "no data yet");
  clock->advance(seconds{1});  // the second one's count is now due
  const auto deadline = std::chrono::steady_clock::now() + seconds{5};
  auto count = [&] {
    auto all = events(*kube);
    return all.size() == 1 && all[0].contains("series") ? all[0]["series"].value("count", 0) : 0;
  };
  while (count() != 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  EXPECT_EQ(count(), 2);
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
  recorder.flush();
  EXPECT_EQ(events(*kube).size(), 2u);
}

// A KubeClient whose creates wait until open() is called: an API server that has stalled.
class StalledKube final : public KubeClient {
 public:
  explicit StalledKube(std::shared_ptr<FakeKube> kube) : kube_(std::move(kube)) {}
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void throwOnNextCreate() {
    std::lock_guard lock(mutex_);
    throw_ = true;
  }
  Result<Json> create(const ResourceRef& ref, const Json& object) override {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return open_; });
    if (std::exchange(throw_, false)) throw std::runtime_error("invalid UTF-8 byte");
    return kube_->create(ref, object);
  }
  Result<Json> get(const ResourceRef& ref) override { return kube_->get(ref); }
  Result<ObjectList> list(const ResourceRef& ref, const ListOptions& options) override {
    return kube_->list(ref, options);
  }
  Result<Json> update(const ResourceRef& ref, const Json& object) override {
    return kube_->update(ref, object);
  }
  Result<Json> updateStatus(const ResourceRef& ref, const Json& object) override {
    return kube_->updateStatus(ref, object);
  }
  Result<Json> patch(const ResourceRef& ref, PatchType type, const Json& patch,
                     const PatchOptions& options) override {
    return kube_->patch(ref, type, patch, options);
  }
  Result<Json> patchStatus(const ResourceRef& ref, PatchType type, const Json& patch,
                           const PatchOptions& options) override {
    return kube_->patchStatus(ref, type, patch, options);
  }
  Status remove(const ResourceRef& ref, const DeleteOptions& options) override {
    return kube_->remove(ref, options);
  }
  Status watch(const ResourceRef& ref, const WatchOptions& options, const WatchHandler& on_event,
               std::stop_token stop) override {
    return kube_->watch(ref, options, on_event, stop);
  }

 private:
  std::shared_ptr<FakeKube> kube_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  bool throw_ = false;
};

TEST(EventRecorderTest, RecordReturnsWhileTheServerStallsAndDropsBeyondTheQueue) {
  auto kube = std::make_shared<FakeKube>();
  auto stalled = std::make_shared<StalledKube>(kube);
  EventRecorderOptions options;
  options.queue_size = 2;
  EventRecorder recorder(stalled, std::make_shared<FakeClock>(), options);
  for (int i = 0; i < 6; ++i) {  // distinct reasons: six Events, no series
    recorder.record(kModel, EventType::kNormal, "Step" + std::to_string(i), "Progress", "step");
  }
  // At most one is with the writer and two are queued; the rest were dropped, not waited for.
  EXPECT_GE(recorder.dropped(), 3u);
  EXPECT_LE(recorder.dropped(), 4u);
  stalled->open();
  recorder.flush();
  EXPECT_EQ(events(*kube).size(), 6u - recorder.dropped());
}

TEST(EventRecorderTest, CutsALongNoteOnACharacterBoundary) {
  auto kube = std::make_shared<FakeKube>();
  EventRecorder recorder(kube, std::make_shared<FakeClock>());
  const std::string note = std::string(1023, 'x') + "\xC3\xBC" + "tail";  // ü at bytes 1023-1024
  recorder.record(kModel, EventType::kWarning, "AnalysisFailed", "Analyse", note);
  recorder.flush();
  auto all = events(*kube);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["note"], std::string(1023, 'x'));
}

TEST(EventRecorderTest, AWriteThatThrowsLosesOneEventNotTheRecorder) {
  auto kube = std::make_shared<FakeKube>();
  auto stalled = std::make_shared<StalledKube>(kube);
  stalled->throwOnNextCreate();  // as nlohmann's dump() does on invalid UTF-8
  stalled->open();
  EventRecorder recorder(stalled, std::make_shared<FakeClock>());
  recorder.record(kModel, EventType::kWarning, "AnalysisFailed", "Analyse", "first");
  recorder.record(kModel, EventType::kNormal, "Promoted", "Promote", "revision 2");
  recorder.flush();
  auto all = events(*kube);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["reason"], "Promoted");
}

TEST(EventRecorderTest, StopWritesWhatWasRecordedAndDropsWhatComesAfter) {
  auto kube = std::make_shared<FakeKube>();
  auto clock = std::make_shared<FakeClock>();
  EventRecorder recorder(kube, clock);
  recorder.record(kModel, EventType::kNormal, "Waiting", "Analyse", "no data yet");
  clock->advance(seconds{1});
  recorder.record(kModel, EventType::kNormal, "Waiting", "Analyse", "no data yet");
  recorder.stop();
  auto all = events(*kube);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["series"]["count"], 2) << "the pending series count was written at stop";
  recorder.record(kModel, EventType::kNormal, "Late", "Analyse", "after stop");
  EXPECT_EQ(recorder.dropped(), 1u);
  recorder.stop();  // idempotent
}

}  // namespace
}  // namespace aviary::kube
