#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "api/spec.h"
#include "common/result.h"

// Traffic routers: how a weight decided by rollout::decide() reaches the data plane.
namespace aviary::router {

// What a router acts on: one ModelDeployment's route. Passed in every call, so a router holds no
// state per ModelDeployment and one instance serves every worker at once.
struct RouteTarget {
  std::string ns;              // the ModelDeployment's namespace (routes live beside it)
  std::string name;            // the ModelDeployment's name
  std::string stable_service;  // Service aviary owns that selects the stable role's pods
  std::string canary_service;  // Service aviary owns that selects the canary role's pods
  api::TrafficSpec traffic;    // provider and the route it names
};

// What the router object says now.
struct RouteState {
  std::optional<std::int32_t> weight;  // canary percent; nullopt where the provider has none
  std::optional<bool> mirror;          // traffic mirrored to the canary; nullopt: unknown
};

// Contract, for every implementation:
// - observe() reads what the route says now, without writing.
// - setWeight(target, w) makes the route send w percent to the canary and 100 - w to stable,
//   touching only what aviary owns in the route (its backendRefs' weights, never the rest of a
//   user's or GitOps tool's object). Idempotent: a route already at w is not written.
// - setMirror(target, on) mirrors a copy of every request to the canary, or stops; a provider that
//   cannot mirror answers FailedPrecondition for `on` and succeeds for `off`.
// - finalize(target) gives all traffic back to stable and removes aviary's mirror, before the
//   ModelDeployment goes (its finalizer). A route that no longer exists is not an error.
// - A route the spec names but that does not exist is NotFound; a route without aviary's two
//   backends is FailedPrecondition naming what is missing. Thread-safe.
class Router {
 public:
  using Ptr = std::unique_ptr<Router>;
  virtual ~Router() = default;

  virtual Result<RouteState> observe(const RouteTarget& target) = 0;
  virtual Status setWeight(const RouteTarget& target, std::int32_t canary_percent) = 0;
  virtual Status setMirror(const RouteTarget& target, bool enabled) = 0;
  virtual Status finalize(const RouteTarget& target) = 0;
};

}  // namespace aviary::router
