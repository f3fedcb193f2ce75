#pragma once

#include <chrono>

namespace aviary::kube {

// Exponential backoff: `base` after the first failure, times `factor` after each further one, never
// above `cap`. Pure arithmetic; callers sleep.
struct BackoffPolicy {
  std::chrono::milliseconds base{5};
  std::chrono::milliseconds cap{std::chrono::seconds{1000}};
  double factor = 2.0;
};

// The delay after `failures` consecutive failures (1 = the first); 0 failures -> 0.
std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int failures);

// Counts consecutive failures of one thing (a watch, a lease renewal).
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy) : policy_(policy) {}

  // Records one more failure and returns how long to wait before the next try.
  std::chrono::milliseconds next() { return backoffDelay(policy_, ++failures_); }
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  BackoffPolicy policy_;
  int failures_ = 0;
};

}  // namespace aviary::kube
