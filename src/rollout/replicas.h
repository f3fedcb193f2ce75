#pragma once

#include <cstdint>

#include "api/spec.h"

namespace aviary::rollout {

// Replicas each role runs for a canary weight. Mesh providers split traffic themselves, so both
// roles run spec.replicas. The `replicas` provider realises the weight as a replica ratio behind
// one Service: at w = 0 the canary runs no pod (any ready pod would take traffic) and the stable
// all R; at w > 0 canary = clamp(ceil(R*w/100), 1, R) and stable = max(1, R - canary). With R = 1 a
// running canary means one pod each (50 %), the best a replica ratio can do. These are targets:
// decide() lowers the stable only once the canary runs its share (see weightConfirmed).
std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);
std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);

}  // namespace aviary::rollout
