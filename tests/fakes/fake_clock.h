#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/clock.h"

namespace aviary::testing {

// A Clock that moves only when told (implements Clock). Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = Timestamp{std::chrono::hours{24 * 365 * 56}})
      : now_ms_(start.time_since_epoch().count()) {}

  Timestamp now() const override { return Timestamp{std::chrono::milliseconds{now_ms_.load()}}; }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

// A MonotonicClock that moves only when told. Thread-safe.
class FakeMonotonicClock final : public MonotonicClock {
 public:
  MonotonicTime now() const override {
    return MonotonicTime{std::chrono::milliseconds{now_ms_.load()}};
  }
  void advance(std::chrono::milliseconds by) { now_ms_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_ms_{1'000'000};
};

}  // namespace aviary::testing
