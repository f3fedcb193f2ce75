#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar::fairness {

// Share of positive predictions for one group over the window (aviary_group_positive_rate).
struct GroupRate {
  std::string group;
  double positive_rate = 0.0;  // positives / count
  std::size_t count = 0;       // observations of this group in the window (>= 1)
  std::size_t positives = 0;
};

struct GroupWindowOptions {
  // Observations remembered (the last N, all groups together).
  std::size_t capacity = 1000;
  // A prediction is positive when prediction >= threshold.
  double threshold = 0.5;
  // Distinct groups the window holds at once; a group leaves when its last observation is evicted.
  // Bounds the label cardinality of the exported metric.
  std::size_t max_groups = 64;
};

// The last `capacity` (group, positive?) observations and the positive rate of each group in them.
//
// Cost: observe() is O(log groups) with no allocation for a group already in the window (a new
// group copies its name once); rates() is O(groups).
//
// Not thread-safe: the caller serialises observe() and rates().
class GroupWindow {
 public:
  static Result<GroupWindow> create(const GroupWindowOptions& options);

  // Records one prediction of a row whose group input is `group`, evicting the oldest observation
  // when full. Errors (window unchanged): NaN prediction ("InvalidInput"), or a new group while
  // max_groups groups are in the window and evicting the oldest observation frees none
  // ("TooManyGroups").
  Status observe(std::string_view group, double prediction);

  // One entry per group with at least one observation in the window, sorted by group name; empty
  // when the window is empty.
  std::vector<GroupRate> rates() const;

  std::size_t size() const { return size_; }
  const GroupWindowOptions& options() const { return options_; }

 private:
  struct Slot {
    std::string name;
    std::size_t count = 0;
    std::size_t positives = 0;
  };
  struct Observation {
    std::uint32_t slot = 0;
    bool positive = false;
  };

  explicit GroupWindow(const GroupWindowOptions& options);
  void evictOldest();

  GroupWindowOptions options_;
  std::vector<Observation> ring_;
  std::size_t next_ = 0;
  std::size_t size_ = 0;
  std::vector<Slot> slots_;                                  // max_groups, reused
  std::vector<std::uint32_t> free_slots_;                    // reserved to max_groups
  std::map<std::string, std::uint32_t, std::less<>> index_;  // group name -> slot
};

}  // namespace aviary::sidecar::fairness
