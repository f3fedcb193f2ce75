#pragma once

#include <cstdint>

#include "api/spec.h"

namespace aviary::rollout {

// Replicas each role runs for a canary weight. Mesh providers split traffic themselves, so both
// roles run spec.replicas. The `replicas` provider realises the weight as a replica ratio behind
// one Service: canary = clamp(ceil(R*w/100), 1, R), stable = max(1, R - canary), except that at
// w = 0 (canary starting, not yet taking a step's weight) stable keeps all R. With R = 1 a running
// canary means one pod each (50 %), the best a replica ratio can do.
std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);
std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);

}  // namespace aviary::rollout
