#include "kube/workqueue.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace aviary::kube {
WorkQueue::WorkQueue(MonotonicClock::Ptr clock, WorkQueueOptions options)
    : clock_(std::move(clock)),
      options_(options),
      bucket_(options.qps, options.burst, clock_),
      timer_([this] { timerLoop(); }) {}

WorkQueue::~WorkQueue() {
  shutDown();
  timer_.join();
}

void WorkQueue::addLocked(const std::string& key) {
  if (shutting_down_ || dirty_.contains(key)) return;
  dirty_.insert(key);
  if (processing_.contains(key)) return;
  queue_.push_back(key);
  ready_.notify_one();
}

void WorkQueue::add(const std::string& key) {
  std::lock_guard lock(mutex_);
  addLocked(key);
}

void WorkQueue::addAfter(const std::string& key, std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return add(key);
  std::lock_guard lock(mutex_);
  if (shutting_down_) return;
  MonotonicTime at = clock_->now() + delay;
  auto existing = waiting_at_.find(key);
  if (existing != waiting_at_.end()) {
    if (existing->second <= at) return;
    auto range = waiting_.equal_range(existing->second);
    for (auto it = range.first; it != range.second; ++it) {
      if (it->second == key) {
        waiting_.erase(it);
        break;
      }
    }
  }
  waiting_.emplace(at, key);
  waiting_at_[key] = at;
  timer_wake_.notify_one();
}

void WorkQueue::addRateLimited(const std::string& key) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mutex_);
    delay = backoffDelay(options_.backoff, ++failures_[key]);
  }
  addAfter(key, std::max(delay, bucket_.reserve()));
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int WorkQueue::numRequeues(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

std::optional<std::string> WorkQueue::get() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return !queue_.empty() || shutting_down_; });
  if (shutting_down_) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(key);
  dirty_.erase(key);
  return key;
}

void WorkQueue::done(const std::string& key) {
  std::lock_guard lock(mutex_);
  processing_.erase(key);
  if (!shutting_down_ && dirty_.contains(key)) {
    queue_.push_back(key);
    ready_.notify_one();
  }
}

void WorkQueue::shutDown() {
  std::lock_guard lock(mutex_);
  shutting_down_ = true;
  queue_.clear();
  dirty_.clear();
  waiting_.clear();
  waiting_at_.clear();
  ready_.notify_all();
  timer_wake_.notify_all();
}

bool WorkQueue::shuttingDown() const {
  std::lock_guard lock(mutex_);
  return shutting_down_;
}

std::size_t WorkQueue::length() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkQueue::timerLoop() {
  std::unique_lock lock(mutex_);
  while (!shutting_down_) {
    MonotonicTime now = clock_->now();
    while (!waiting_.empty() && waiting_.begin()->first <= now) {
      std::string key = waiting_.begin()->second;
      waiting_.erase(waiting_.begin());
      waiting_at_.erase(key);
      addLocked(key);
    }
    if (waiting_.empty()) {
      timer_wake_.wait(lock);  // woken by addAfter or shutDown
      continue;
    }
    timer_wake_.wait_for(
        lock, std::min<std::chrono::milliseconds>(kTimerPoll, waiting_.begin()->first - now));
  }
}

void runWorkers(WorkQueue& queue, int workers, const Reconciler& reconcile, std::stop_token stop) {
  std::stop_callback on_stop(stop, [&queue] { queue.shutDown(); });
  std::vector<std::jthread> threads;
  for (int i = 0; i < std::max(1, workers); ++i) {
    threads.emplace_back([&queue, &reconcile] {
      while (auto key = queue.get()) {
        auto result = reconcile(*key);
        if (result.has_value()) {
          queue.forget(*key);
          if (result->requeue_after.count() > 0) queue.addAfter(*key, result->requeue_after);
        } else {
          spdlog::warn("reconcile {}: {} ({}), retrying", *key, result.error().message,
                       result.error().codeName());
          queue.addRateLimited(*key);
        }
        queue.done(*key);
      }
    });
  }
}

}  // namespace aviary::kube
