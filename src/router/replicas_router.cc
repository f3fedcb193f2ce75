#include "router/replicas_router.h"

namespace aviary::router {

Result<RouteState> ReplicasRouter::observe(const RouteTarget&) {
  return RouteState{.weight = std::nullopt, .mirror = false};
}

Status ReplicasRouter::setWeight(const RouteTarget&, std::int32_t canary_percent) {
  if (canary_percent < 0 || canary_percent > 100) {
    return fail(ErrorCode::kInvalidArgument,
                "canary weight " + std::to_string(canary_percent) + " is outside 0..100");
  }
  return {};
}

Status ReplicasRouter::setMirror(const RouteTarget& target, bool enabled) {
  if (enabled) {
    return fail(ErrorCode::kFailedPrecondition,
                "the replicas provider cannot mirror traffic (ModelDeployment " + target.ns + "/" +
                    target.name + "): a shadow stage needs gatewayAPI, istio or nginx");
  }
  return {};
}

Status ReplicasRouter::finalize(const RouteTarget&) { return {}; }

}  // namespace aviary::router
