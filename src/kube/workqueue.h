#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.h"
#include "common/result.h"
#include "kube/backoff.h"
#include "kube/rate_limiter.h"

namespace aviary::kube {

struct WorkQueueOptions {
  // Per-key exponential backoff for addRateLimited (client-go: 5 ms doubling, capped at 1000 s).
  BackoffPolicy backoff{std::chrono::milliseconds{5}, std::chrono::seconds{1000}, 2.0};
  // Overall requeue rate for addRateLimited (client-go: 10 per second, burst 100); the larger of
  // the two delays wins.
  double qps = 10;
  int burst = 100;
};

// The controller's queue of object keys, with client-go's workqueue semantics.
//
// Contract:
// - A key is queued at most once: adding a key that is already waiting is a no-op.
// - A key handed out by get() is "processing" until done(); adding it meanwhile marks it dirty and
//   it is queued again at done(). So no two workers ever hold the same key at once.
// - addAfter(key, d) queues it once `d` has passed on the injected monotonic clock (the earliest
//   wins when added twice; a wall-clock step moves no delay); addRateLimited(key) delays by the
//   key's own exponential backoff (reset by forget) and the overall token bucket, whichever is
//   longer.
// - shutDown() drops every queued and delayed key: get() returns nullopt at once from then on (a
//   worker finishes the key it holds, but takes no other), and adds are ignored. A leader that
//   lost its lease stops the workers this way without writing for the keys still queued.
// Thread-safe.
class WorkQueue {
 public:
  explicit WorkQueue(MonotonicClock::Ptr clock, WorkQueueOptions options = {});
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void add(const std::string& key);
  void addAfter(const std::string& key, std::chrono::milliseconds delay);
  void addRateLimited(const std::string& key);
  void forget(const std::string& key);
  int numRequeues(const std::string& key) const;

  // Blocks until a key is ready or the queue shuts down.
  std::optional<std::string> get();
  void done(const std::string& key);

  void shutDown();
  bool shuttingDown() const;
  std::size_t length() const;  // keys ready now (not counting those waiting for a delay)

 private:
  void addLocked(const std::string& key);
  void timerLoop();
  // Idle (nothing delayed): the timer sleeps until addAfter or shutDown wakes it. While keys wait
  // it re-reads the clock at least this often, so a fake clock's jumps are seen.
  static constexpr std::chrono::milliseconds kTimerPoll{20};

  MonotonicClock::Ptr clock_;
  WorkQueueOptions options_;
  TokenBucket bucket_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable timer_wake_;
  std::deque<std::string> queue_;
  std::unordered_set<std::string> dirty_;
  std::unordered_set<std::string> processing_;
  std::unordered_map<std::string, int> failures_;
  std::multimap<MonotonicTime, std::string> waiting_;
  std::unordered_map<std::string, MonotonicTime> waiting_at_;
  bool shutting_down_ = false;
  std::thread timer_;
};

// What a reconcile asks of the queue when it succeeds: requeue after this long (0: not at all).
struct ReconcileResult {
  std::chrono::milliseconds requeue_after{0};
};
using Reconciler = std::function<Result<ReconcileResult>(const std::string& key)>;

// Runs `workers` threads taking keys from `queue` until it shuts down (stop requests shut it down).
// Success forgets the key's backoff and honours requeue_after; an error requeues it rate-limited.
// Returns when every worker has finished its current key.
void runWorkers(WorkQueue& queue, int workers, const Reconciler& reconcile, std::stop_token stop);

}  // namespace aviary::kube
