#pragma once

#include "router/router.h"

namespace aviary::router {

// The provider without a mesh. rollout::decide() already realises the canary weight as the ratio of
// canary to stable replicas behind one Service, so there is no route object to edit: a null object.
// - observe() says {weight: nullopt, mirror: false}: no weight lives anywhere but in the replicas.
// - setWeight() and finalize() succeed without writing anything.
// - setMirror(true) is FailedPrecondition (a Service cannot copy requests); setMirror(false)
//   succeeds. validate() already refuses a shadow stage with this provider.
class ReplicasRouter final : public Router {
 public:
  Result<RouteState> observe(const RouteTarget& target) override;
  Status setWeight(const RouteTarget& target, std::int32_t canary_percent) override;
  Status setMirror(const RouteTarget& target, bool enabled) override;
  Status finalize(const RouteTarget& target) override;
};

}  // namespace aviary::router
