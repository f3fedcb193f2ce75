#include "rollout/replicas.h"

#include <algorithm>

namespace aviary::rollout {

std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight) {
  const std::int32_t r = std::max(1, spec.replicas);
  if (spec.traffic.provider != api::TrafficProvider::kReplicas) return r;
  const std::int32_t w = std::clamp(weight, 0, 100);
  if (w == 0) return 0;
  return std::clamp((r * w + 99) / 100, 1, r);
}

std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight) {
  const std::int32_t r = std::max(1, spec.replicas);
  if (spec.traffic.provider != api::TrafficProvider::kReplicas || weight <= 0) return r;
  return std::max(1, r - canaryReplicas(spec, weight));
}

}  // namespace aviary::rollout
