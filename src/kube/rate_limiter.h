#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "common/clock.h"

namespace aviary::kube {

// A token bucket: `qps` tokens per second refill a bucket of `burst` tokens, full at start.
// reserve() takes one token now or in the future and returns how long the caller must wait for it;
// waits are reserved in order, so callers are served first come, first served. qps <= 0 means
// unlimited. Thread-safe.
class TokenBucket {
 public:
  TokenBucket(double qps, int burst, Clock::Ptr clock);

  std::chrono::milliseconds reserve();
  // reserve() and then sleep for the wait.
  void wait();

 private:
  double qps_;
  double burst_;
  Clock::Ptr clock_;
  std::mutex mutex_;
  double tokens_;
  Timestamp last_;
};

}  // namespace aviary::kube
