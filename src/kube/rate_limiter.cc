#include "kube/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <utility>

namespace aviary::kube {

TokenBucket::TokenBucket(double qps, int burst, MonotonicClock::Ptr clock)
    : qps_(qps),
      burst_(std::max(1, burst)),
      clock_(std::move(clock)),
      tokens_(burst_),
      last_(clock_->now()) {}

std::chrono::milliseconds TokenBucket::reserve() {
  if (qps_ <= 0) return std::chrono::milliseconds{0};
  std::lock_guard lock(mutex_);
  MonotonicTime now = clock_->now();
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::milliseconds{0};
  // Negative tokens are debts already promised to earlier callers; this one waits behind them.
  return std::chrono::milliseconds{static_cast<long>(std::ceil(-tokens_ / qps_ * 1000.0))};
}

void TokenBucket::wait() {
  auto delay = reserve();
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

}  // namespace aviary::kube
