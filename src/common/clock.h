#pragma once

#include <chrono>
#include <memory>

namespace aviary {

// Wall-clock time as the rollout logic sees it. Pure code never reads a clock: it takes `now` as an
// argument. The edges (controller, sidecar) hold a Clock so tests can inject a fake one.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  using Ptr = std::shared_ptr<Clock>;
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// Clock backed by std::chrono::system_clock.
class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// Time for measuring durations (timeouts, delays, lease expiry, rate limits). It never jumps when
// the wall clock is stepped (NTP, an operator's `date -s`), so a duration measured on it is the
// time that really passed. Wall time (Clock) is only for timestamps others read: status fields,
// Lease and Event MicroTimes. Like Clock, it is injected so tests can move it by hand.
using MonotonicTime = std::chrono::time_point<std::chrono::steady_clock, std::chrono::milliseconds>;

class MonotonicClock {
 public:
  using Ptr = std::shared_ptr<MonotonicClock>;
  virtual ~MonotonicClock() = default;
  virtual MonotonicTime now() const = 0;
};

// MonotonicClock backed by std::chrono::steady_clock.
class SteadyClock final : public MonotonicClock {
 public:
  MonotonicTime now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now());
  }
};

}  // namespace aviary
