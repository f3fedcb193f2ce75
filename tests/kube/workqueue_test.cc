#include "kube/workqueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "tests/fakes/fake_clock.h"

namespace aviary::kube {
namespace {

using std::chrono::milliseconds;
using testing::FakeMonotonicClock;

// Generous: only a broken queue takes this long.
constexpr milliseconds kPatience{5000};

std::optional<std::string> getWithin(WorkQueue& queue, milliseconds timeout) {
  std::optional<std::string> key;
  std::atomic<bool> got{false};
  std::jthread getter([&] {
    key = queue.get();
    got = true;
  });
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!got && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds{2});
  if (!got) queue.shutDown();
  getter.join();
  return got ? key : std::nullopt;
}

TEST(WorkQueueTest, AddingAWaitingKeyTwiceQueuesItOnce) {
  WorkQueue queue(std::make_shared<FakeMonotonicClock>());
  queue.add("ml/a");
  queue.add("ml/a");
  queue.add("ml/b");
  EXPECT_EQ(queue.length(), 2u);
  EXPECT_EQ(queue.get(), "ml/a");
  EXPECT_EQ(queue.get(), "ml/b");
}

TEST(WorkQueueTest, AKeyAddedWhileProcessingComesBackOnlyAfterDone) {
  WorkQueue queue(std::make_shared<FakeMonotonicClock>());
  queue.add("ml/a");
  auto key = queue.get();
  queue.add("ml/a");
  EXPECT_EQ(queue.length(), 0u) << "not handed to a second worker while the first holds it";
  queue.done(*key);
  EXPECT_EQ(queue.length(), 1u);
  EXPECT_EQ(queue.get(), "ml/a");
}

TEST(WorkQueueTest, AddAfterWaitsForTheClock) {
  auto clock = std::make_shared<FakeMonotonicClock>();
  WorkQueue queue(clock);
  queue.addAfter("ml/a", std::chrono::seconds{10});
  queue.addAfter("ml/a", std::chrono::seconds{30});  // the earlier time wins
  std::this_thread::sleep_for(milliseconds{60});
  EXPECT_EQ(queue.length(), 0u);
  clock->advance(std::chrono::seconds{10});
  EXPECT_EQ(getWithin(queue, kPatience), "ml/a");
}

TEST(WorkQueueTest, RateLimitedRequeuesBackOffExponentiallyPerKeyUntilForgotten) {
  auto clock = std::make_shared<FakeMonotonicClock>();
  WorkQueueOptions options;
  options.backoff = {milliseconds{100}, milliseconds{350}, 2.0};
  options.qps = 0;
  WorkQueue queue(clock, options);
  for (milliseconds want :
       {milliseconds{100}, milliseconds{200}, milliseconds{350}, milliseconds{350}}) {
    queue.addRateLimited("ml/a");
    clock->advance(want - milliseconds{1});
    std::this_thread::sleep_for(milliseconds{60});
    EXPECT_EQ(queue.length(), 0u) << "ready before " << want.count() << " ms";
    clock->advance(milliseconds{1});
    auto key = getWithin(queue, kPatience);
    ASSERT_EQ(key, "ml/a");
    queue.done(*key);
  }
  EXPECT_EQ(queue.numRequeues("ml/a"), 4);
  queue.forget("ml/a");
  EXPECT_EQ(queue.numRequeues("ml/a"), 0);
}

TEST(WorkQueueTest, ShutDownReleasesWaitingWorkers) {
  WorkQueue queue(std::make_shared<FakeMonotonicClock>());
  std::optional<std::string> key = "unset";
  std::jthread worker([&] { key = queue.get(); });
  std::this_thread::sleep_for(milliseconds{20});
  queue.shutDown();
  worker.join();
  EXPECT_EQ(key, std::nullopt);
  queue.add("ml/a");
  EXPECT_EQ(queue.length(), 0u);
}

TEST(WorkQueueTest, ShutDownDropsQueuedAndDelayedKeys) {
  auto clock = std::make_shared<FakeMonotonicClock>();
  WorkQueue queue(clock);
  queue.add("ml/a");
  queue.add("ml/b");
  queue.addAfter("ml/c", milliseconds{10});
  ASSERT_EQ(queue.get(), "ml/a");
  queue.add("ml/a");  // dirty while processing
  queue.shutDown();
  EXPECT_EQ(queue.get(), std::nullopt) << "ml/b is dropped, not handed out";
  queue.done("ml/a");
  clock->advance(milliseconds{50});
  std::this_thread::sleep_for(milliseconds{50});
  EXPECT_EQ(queue.length(), 0u) << "neither the dirty ml/a nor the delayed ml/c comes back";
  EXPECT_EQ(queue.get(), std::nullopt);
}

TEST(RunWorkersTest, StopsWithoutReconcilingTheKeysStillQueued) {
  WorkQueue queue(std::make_shared<SteadyClock>());
  std::stop_source stop;
  std::atomic<int> calls{0};
  for (int i = 0; i < 50; ++i) queue.add("ml/" + std::to_string(i));
  runWorkers(
      queue, 2,
      [&](const std::string&) -> Result<ReconcileResult> {
        if (++calls == 3) stop.request_stop();  // leadership lost during the third reconcile
        return ReconcileResult{};
      },
      stop.get_token());
  EXPECT_LE(calls.load(), 4) << "each worker finishes the key it holds and takes no other";
}

TEST(RunWorkersTest, NeverProcessesOneKeyInTwoWorkersAtOnce) {
  WorkQueue queue(std::make_shared<SteadyClock>());
  std::mutex mutex;
  std::map<std::string, int> active;
  std::atomic<int> overlaps{0};
  std::atomic<int> processed{0};
  std::stop_source stop;
  std::jthread runner([&] {
    runWorkers(
        queue, 4,
        [&](const std::string& key) -> Result<ReconcileResult> {
          {
            std::lock_guard lock(mutex);
            if (++active[key] > 1) ++overlaps;
          }
          std::this_thread::sleep_for(milliseconds{2});
          {
            std::lock_guard lock(mutex);
            --active[key];
          }
          ++processed;
          return ReconcileResult{};
        },
        stop.get_token());
  });
  for (int round = 0; round < 50; ++round) {
    for (const char* key : {"a", "b", "c"}) queue.add(key);
    std::this_thread::sleep_for(milliseconds{1});
  }
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (queue.length() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds{5});
  }
  stop.request_stop();
  runner.join();
  EXPECT_EQ(overlaps, 0);
  EXPECT_GE(processed, 3);
}

TEST(RunWorkersTest, FailuresAreRetriedAndRequeueAfterIsHonoured) {
  auto clock = std::make_shared<FakeMonotonicClock>();
  WorkQueueOptions options;
  options.backoff = {milliseconds{1}, milliseconds{1}, 2.0};
  options.qps = 0;
  WorkQueue queue(clock, options);
  std::atomic<int> calls{0};
  std::stop_source stop;
  std::jthread runner([&] {
    runWorkers(
        queue, 2,
        [&](const std::string&) -> Result<ReconcileResult> {
          int call = ++calls;
          if (call == 1) return fail(ErrorCode::kUnavailable, "first try fails");
          return ReconcileResult{std::chrono::minutes{1}};
        },
        stop.get_token());
  });
  queue.add("ml/a");
  auto wait_for_calls = [&](int n) {
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (calls < n && std::chrono::steady_clock::now() < deadline) {
      clock->advance(milliseconds{1});
      std::this_thread::sleep_for(milliseconds{5});
    }
  };
  wait_for_calls(2);
  EXPECT_EQ(calls, 2) << "the failure was retried";
  std::this_thread::sleep_for(milliseconds{60});
  EXPECT_EQ(calls, 2) << "requeue_after waits for the clock";
  clock->advance(std::chrono::minutes{1});
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (calls < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds{5});
  EXPECT_EQ(calls, 3);
  stop.request_stop();
}

}  // namespace
}  // namespace aviary::kube
