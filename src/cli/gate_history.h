#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"
#include "common/clock.h"

// The recent values of each gate, for the sparklines of `status --watch`. Pure.
//
// The status holds only the latest round of each gate (status.analysis: value, result, at). So the
// CLI keeps its own ring: every round it sees (a new `at` for a gate) adds that round's value, or
// a gap for a round without one (NoData, provider error). A sparkline therefore starts with the
// latest round when the watch begins and grows a point per analysis interval while it runs. The
// ring starts afresh when the canary revision changes: the values of another canary are not this
// one's.
namespace aviary::cli {

class GateHistory {
 public:
  static constexpr std::size_t kDefaultCapacity = 30;

  explicit GateHistory(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // Takes the rounds of `status` not seen yet.
  void observe(const api::ModelDeploymentStatus& status);

  // Oldest first; empty for a gate never seen.
  std::vector<std::optional<double>> values(const std::string& gate) const;

 private:
  struct Ring {
    std::optional<Timestamp> last_at;
    std::vector<std::optional<double>> values;
  };

  std::size_t capacity_;
  std::string canary_;
  std::map<std::string, Ring> rings_;
};

}  // namespace aviary::cli
