#pragma once

#include <cstdint>

#include "api/spec.h"

namespace aviary::rollout {

// Replicas each role runs for a canary weight. These are targets for one weight: decide() holds
// a higher weight until the canary runs its share, all ready, and (replicas provider) lowers the
// stable only once the canary runs its share (see weightConfirmed).
//
// The `replicas` provider realises the weight as a replica ratio behind one Service: at w = 0 the
// canary runs no pod (any ready pod would take traffic) and the stable all R; at w > 0
// canary = clamp(ceil(R*w/100), 1, R) and stable = max(1, R - canary). With R = 1 a running canary
// means one pod each (50 %), the best a replica ratio can do. spec.strategy.canaryScale does not
// apply: the pods are the weight.
//
// Mesh providers split traffic themselves and the stable always runs R, so that a rollback never
// waits for it to scale back up. The canary runs R under canaryScale `full`; under
// `matchTrafficWeight` it runs clamp(ceil(R*w/100), 1, R): one pod at w = 0, so that it is ready
// before it gets any traffic. The shadow stage is not a weight: there the canary runs R (see
// shadowCanaryReplicas).
std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);
std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);

// In the shadow stage the canary gets a mirror of all traffic, so it runs R whatever canaryScale.
std::int32_t shadowCanaryReplicas(const api::ModelDeploymentSpec& spec);

// The canary's pod count follows the weight: the replicas provider, or a mesh with canaryScale
// matchTrafficWeight.
bool canaryScalesWithWeight(const api::ModelDeploymentSpec& spec);

}  // namespace aviary::rollout
