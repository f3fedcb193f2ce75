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

}  // namespace aviary
