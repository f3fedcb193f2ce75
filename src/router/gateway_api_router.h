#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kube/client.h"
#include "router/router.h"

// The Gateway API provider: the HTTPRoute (gateway.networking.k8s.io/v1) that
// spec.traffic.gatewayAPI.httpRoute names, in the ModelDeployment's namespace.
//
// What aviary owns in that route: in every rule whose backendRefs name both of its Services (kind
// Service or unset, group core, namespace unset or the route's own), the `weight` of those two
// backendRefs (the first naming each Service), and one RequestMirror filter whose backendRef is the
// canary Service. Everything else, other rules, matches, filters, a third backend, parentRefs,
// hostnames, is the user's or their GitOps tool's and is written back exactly as it was read.
//
// How it writes, and why not server-side apply: the HTTPRoute CRD (Gateway API v1.4, standard
// channel) marks spec.rules, rules[].backendRefs and rules[].filters `x-kubernetes-list-type:
// atomic`. To server-side apply an atomic list is one value: applying rules that hold only the
// weights would replace the user's matches, filters and other rules, and would conflict with the
// manager owning the list (or, forced, take the whole list from it). So aviary writes the whole
// spec.rules list read from the live object with only its own fields changed, as a JSON merge
// patch (which replaces lists whole) carrying the metadata.resourceVersion it read: if anyone wrote
// the route in between, the API server answers Conflict and aviary re-reads and tries once more.
// A route already as asked is not written at all, so a settled rollout causes no writes.
namespace aviary::router {

namespace gateway_api {

// What a write changes; nullopt leaves that part as it is.
struct RouteChange {
  std::optional<std::int32_t> canary_percent;  // stable gets 100 - canary_percent
  std::optional<bool> mirror;                  // aviary's RequestMirror filter present or not
};

// The canary's share of the two weights in percent, rounded half up; 0 when both are 0. Gateway API
// weights are relative (default 1), not percentages.
std::int32_t canaryPercent(std::int64_t stable_weight, std::int64_t canary_weight);

// What the live route says: the weight of the first rule naming both Services, and whether aviary's
// mirror is in any such rule (a mirror left in one rule still counts, so that it gets turned off).
// FailedPrecondition when no rule names both Services.
Result<RouteState> readRoute(const kube::Json& route, const RouteTarget& target);

// The JSON merge patch that makes `route` say `change`: metadata.resourceVersion of the route read
// and the whole spec.rules with only aviary's weights and mirror filter changed. nullopt when the
// route already says it. FailedPrecondition when no rule names both Services, or when a mirror is
// asked for and the canary backendRef has no port to mirror to.
Result<std::optional<kube::Json>> routePatch(const kube::Json& route, const RouteTarget& target,
                                             const RouteChange& change);

}  // namespace gateway_api

// Reads and writes HTTPRoutes through `kube`. Holds nothing per ModelDeployment; thread-safe as
// long as `kube` is. finalize() also succeeds when the route, or aviary's backends in it, are gone:
// then no traffic of aviary's is left to give back.
class GatewayApiRouter final : public Router {
 public:
  explicit GatewayApiRouter(kube::KubeClient::Ptr kube);

  Result<RouteState> observe(const RouteTarget& target) override;
  Status setWeight(const RouteTarget& target, std::int32_t canary_percent) override;
  Status setMirror(const RouteTarget& target, bool enabled) override;
  Status finalize(const RouteTarget& target) override;

 private:
  Status write(const RouteTarget& target, const gateway_api::RouteChange& change);

  kube::KubeClient::Ptr kube_;
};

}  // namespace aviary::router
