#include "sidecar/fairness/group_window.h"

#include <cmath>

namespace aviary::sidecar::fairness {

Result<GroupWindow> GroupWindow::create(const GroupWindowOptions& options) {
  if (options.capacity == 0)
    return fail(ErrorCode::kInvalidArgument, "group window capacity must be >= 1");
  if (options.max_groups == 0) return fail(ErrorCode::kInvalidArgument, "max_groups must be >= 1");
  if (!std::isfinite(options.threshold)) {
    return fail(ErrorCode::kInvalidArgument, "positive threshold must be finite");
  }
  return GroupWindow(options);
}

GroupWindow::GroupWindow(const GroupWindowOptions& options)
    : options_(options), ring_(options.capacity), slots_(options.max_groups) {
  free_slots_.reserve(options.max_groups);
  for (std::size_t k = options.max_groups; k > 0; --k) {
    free_slots_.push_back(static_cast<std::uint32_t>(k - 1));
  }
}

void GroupWindow::evictOldest() {
  const std::size_t oldest = (next_ + options_.capacity - size_) % options_.capacity;
  const Observation gone = ring_[oldest];
  Slot& slot = slots_[gone.slot];
  --slot.count;
  if (gone.positive) --slot.positives;
  if (slot.count == 0) {
    index_.erase(slot.name);
    free_slots_.push_back(gone.slot);
  }
  --size_;
}

Status GroupWindow::observe(std::string_view group, double prediction) {
  if (std::isnan(prediction)) return fail(ErrorCode::kInvalidArgument, "prediction is NaN");
  const bool full = size_ == options_.capacity;
  auto found = index_.find(group);
  if (found == index_.end() && free_slots_.empty()) {
    // Admit a new group only if evicting the oldest observation frees a slot.
    const bool eviction_frees_slot = full && slots_[ring_[next_].slot].count == 1;
    if (!eviction_frees_slot) {
      return fail(ErrorCode::kInvalidArgument, "group \"" + std::string(group) +
                                                   "\" would exceed " +
                                                   std::to_string(options_.max_groups) + " groups");
    }
  }
  if (full) {
    evictOldest();
    found = index_.find(group);
  }
  std::uint32_t slot = 0;
  if (found != index_.end()) {
    slot = found->second;
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slots_[slot].name.assign(group);
    index_.emplace(slots_[slot].name, slot);
  }
  const bool positive = prediction >= options_.threshold;
  ring_[next_] = Observation{slot, positive};
  next_ = (next_ + 1) % options_.capacity;
  ++size_;
  ++slots_[slot].count;
  if (positive) ++slots_[slot].positives;
  return {};
}

std::vector<GroupRate> GroupWindow::rates() const {
  std::vector<GroupRate> rates;
  rates.reserve(index_.size());
  for (const auto& [name, slot_index] : index_) {
    const Slot& slot = slots_[slot_index];
    rates.push_back(GroupRate{name,
                              static_cast<double>(slot.positives) / static_cast<double>(slot.count),
                              slot.count, slot.positives});
  }
  return rates;
}

}  // namespace aviary::sidecar::fairness
