#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "common/clock.h"

namespace aviary::kube {

// A token bucket: `qps` tokens per second refill a bucket of `burst` tokens, full at start.
// reserve() takes one token now or in the future and returns how long the caller must wait for it;
// waits are reserved in order, so callers are served first come, first served. qps <= 0 means
// unlimited. Refills are measured on a monotonic clock, so a wall-clock step neither stops
// refilling nor grants a burst. Thread-safe.
class TokenBucket {
 public:
  TokenBucket(double qps, int burst, MonotonicClock::Ptr clock);

  std::chrono::milliseconds reserve();
  // reserve() and then sleep for the wait.
  void wait();

 private:
  double qps_;
  double burst_;
  MonotonicClock::Ptr clock_;
  std::mutex mutex_;
  double tokens_;
  MonotonicTime last_;
};

}  // namespace aviary::kube
