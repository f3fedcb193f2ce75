#include "cli/gate_history.h"

namespace aviary::cli {

void GateHistory::observe(const api::ModelDeploymentStatus& status) {
  if (status.canary_revision != canary_) {
    rings_.clear();
    canary_ = status.canary_revision;
  }
  for (const auto& result : status.analysis) {
    Ring& ring = rings_[result.name];
    if (ring.last_at && *ring.last_at == result.at) continue;
    ring.last_at = result.at;
    ring.values.push_back(result.value);
    if (ring.values.size() > capacity_) {
      ring.values.erase(
          ring.values.begin(),
          ring.values.begin() + static_cast<std::ptrdiff_t>(ring.values.size() - capacity_));
    }
  }
}

std::vector<std::optional<double>> GateHistory::values(const std::string& gate) const {
  auto it = rings_.find(gate);
  if (it == rings_.end()) return {};
  return it->second.values;
}

}  // namespace aviary::cli
