#include "rollout/replicas.h"

#include <algorithm>

namespace aviary::rollout {
namespace {

bool mesh(const api::ModelDeploymentSpec& spec) {
  return spec.traffic.provider != api::TrafficProvider::kReplicas;
}

}  // namespace

bool canaryScalesWithWeight(const api::ModelDeploymentSpec& spec) {
  return !mesh(spec) || spec.strategy.canary_scale == api::CanaryScale::kMatchTrafficWeight;
}

std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight) {
  const std::int32_t r = std::max(1, spec.replicas);
  if (!canaryScalesWithWeight(spec)) return r;
  const std::int32_t w = std::clamp(weight, 0, 100);
  if (w == 0 && !mesh(spec)) return 0;
  return std::clamp((r * w + 99) / 100, 1, r);
}

std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight) {
  const std::int32_t r = std::max(1, spec.replicas);
  if (mesh(spec) || weight <= 0) return r;
  return std::max(1, r - canaryReplicas(spec, weight));
}

std::int32_t shadowCanaryReplicas(const api::ModelDeploymentSpec& spec) {
  return std::max(1, spec.replicas);
}

}  // namespace aviary::rollout
