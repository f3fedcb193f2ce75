#include "router/gateway_api_router.h"

#include <utility>
#include <vector>

#include "kube/resource.h"

namespace aviary::router {

using kube::Json;

namespace gateway_api {
namespace {

// Gateway API's default for an unset backendRef weight.
constexpr std::int64_t kDefaultWeight = 1;

// True when `ref` (a backendRef, or a mirror filter's backendRef) names the Service `service` in
// the namespace `ns`: group core, kind Service, namespace unset or `ns`. The API server fills in
// group "" and kind "Service" as defaults; objects written elsewhere may leave them out.
bool namesService(const Json& ref, const std::string& service, const std::string& ns) {
  if (!ref.is_object()) return false;
  return ref.value("name", "") == service && ref.value("group", "").empty() &&
         ref.value("kind", "Service") == "Service" && ref.value("namespace", ns) == ns;
}

std::int64_t weightOf(const Json& ref) {
  const auto it = ref.find("weight");
  return it != ref.end() && it->is_number_integer() ? it->get<std::int64_t>() : kDefaultWeight;
}

bool isAviarysMirror(const Json& filter, const RouteTarget& target) {
  if (!filter.is_object() || filter.value("type", "") != "RequestMirror") return false;
  const auto mirror = filter.find("requestMirror");
  if (mirror == filter.end() || !mirror->is_object()) return false;
  const auto ref = mirror->find("backendRef");
  return ref != mirror->end() && namesService(*ref, target.canary_service, target.ns);
}

// Where aviary's two backendRefs sit in one rule.
struct OwnedRule {
  std::size_t rule;
  std::size_t stable;
  std::size_t canary;
};

// Every rule naming both Services, with the first backendRef naming each.
std::vector<OwnedRule> ownedRules(const Json& rules, const RouteTarget& target) {
  std::vector<OwnedRule> out;
  if (!rules.is_array()) return out;
  for (std::size_t r = 0; r < rules.size(); ++r) {
    if (!rules[r].is_object()) continue;
    const auto found = rules[r].find("backendRefs");
    if (found == rules[r].end() || !found->is_array()) continue;
    const Json& refs = *found;
    std::optional<std::size_t> stable;
    std::optional<std::size_t> canary;
    for (std::size_t b = 0; b < refs.size(); ++b) {
      if (!stable && namesService(refs[b], target.stable_service, target.ns)) stable = b;
      if (!canary && namesService(refs[b], target.canary_service, target.ns)) canary = b;
    }
    if (stable && canary) out.push_back({r, *stable, *canary});
  }
  return out;
}

const Json& rulesOf(const Json& route) {
  static const Json kNone = Json::array();
  const auto spec = route.find("spec");
  if (spec == route.end() || !spec->is_object()) return kNone;
  const auto rules = spec->find("rules");
  return rules == spec->end() ? kNone : *rules;
}

std::string routeName(const Json& route) {
  const Json& metadata = route.value("metadata", Json::object());
  return metadata.value("namespace", "") + "/" + metadata.value("name", "");
}

Error noOwnedRule(const Json& route, const RouteTarget& target) {
  return Error{ErrorCode::kFailedPrecondition,
               "HTTPRoute " + routeName(route) +
                   " has no rule whose backendRefs name both Services " + target.stable_service +
                   " (stable) and " + target.canary_service + " (canary) in namespace " +
                   target.ns};
}

bool hasAviarysMirror(const Json& rule, const RouteTarget& target) {
  const Json& filters = rule.value("filters", Json::array());
  if (!filters.is_array()) return false;
  for (const Json& filter : filters) {
    if (isAviarysMirror(filter, target)) return true;
  }
  return false;
}

// Sets `ref`'s weight unless it already has that value (an unset weight counts as 1).
void setWeight(Json& ref, std::int64_t weight) {
  if (weightOf(ref) != weight) ref["weight"] = weight;
}

Status setMirror(Json& rule, const OwnedRule& owned, const RouteTarget& target, bool enabled,
                 const Json& route) {
  if (hasAviarysMirror(rule, target) == enabled) return {};
  if (!enabled) {
    Json kept = Json::array();
    for (const Json& filter : rule["filters"]) {
      if (!isAviarysMirror(filter, target)) kept.push_back(filter);
    }
    if (kept.empty()) {
      rule.erase("filters");
    } else {
      rule["filters"] = std::move(kept);
    }
    return {};
  }
  const Json& canary = rule["backendRefs"][owned.canary];
  if (!canary.contains("port")) {
    return fail(ErrorCode::kFailedPrecondition,
                "HTTPRoute " + routeName(route) + ": the backendRef of Service " +
                    target.canary_service + " has no port to mirror requests to");
  }
  if (!rule.contains("filters") || !rule["filters"].is_array()) rule["filters"] = Json::array();
  rule["filters"].push_back(
      {{"type", "RequestMirror"},
       {"requestMirror",
        {{"backendRef", {{"name", target.canary_service}, {"port", canary["port"]}}}}}});
  return {};
}

}  // namespace

std::int32_t canaryPercent(std::int64_t stable_weight, std::int64_t canary_weight) {
  const std::int64_t total = stable_weight + canary_weight;
  if (total <= 0) return 0;
  return static_cast<std::int32_t>((canary_weight * 200 + total) / (2 * total));
}

Result<RouteState> readRoute(const Json& route, const RouteTarget& target) {
  const Json& rules = rulesOf(route);
  const std::vector<OwnedRule> owned = ownedRules(rules, target);
  if (owned.empty()) return fail(noOwnedRule(route, target));
  const Json& first = rules[owned.front().rule]["backendRefs"];
  RouteState state;
  state.weight =
      canaryPercent(weightOf(first[owned.front().stable]), weightOf(first[owned.front().canary]));
  state.mirror = false;
  for (const OwnedRule& rule : owned) {
    if (hasAviarysMirror(rules[rule.rule], target)) state.mirror = true;
  }
  return state;
}

Result<std::optional<Json>> routePatch(const Json& route, const RouteTarget& target,
                                       const RouteChange& change) {
  if (change.canary_percent && (*change.canary_percent < 0 || *change.canary_percent > 100)) {
    return fail(ErrorCode::kInvalidArgument,
                "canary weight " + std::to_string(*change.canary_percent) + " is outside 0..100");
  }
  const Json& live_rules = rulesOf(route);
  const std::vector<OwnedRule> owned = ownedRules(live_rules, target);
  if (owned.empty()) return fail(noOwnedRule(route, target));
  Json rules = live_rules;
  for (const OwnedRule& at : owned) {
    Json& rule = rules[at.rule];
    if (change.canary_percent) {
      setWeight(rule["backendRefs"][at.stable], 100 - *change.canary_percent);
      setWeight(rule["backendRefs"][at.canary], *change.canary_percent);
    }
    if (change.mirror) AVIARY_RETURN_IF_ERROR(setMirror(rule, at, target, *change.mirror, route));
  }
  if (rules == live_rules) return std::optional<Json>();
  Json patch = {{"spec", {{"rules", std::move(rules)}}}};
  const Json& metadata = route.value("metadata", Json::object());
  if (metadata.contains("resourceVersion")) {
    patch["metadata"]["resourceVersion"] = metadata["resourceVersion"];
  }
  return std::optional<Json>(std::move(patch));
}

}  // namespace gateway_api

namespace {

// The route's ref, or InvalidArgument when the spec names none (validate() refuses that spec).
Result<kube::ResourceRef> routeRef(const RouteTarget& target) {
  if (!target.traffic.gateway_api || target.traffic.gateway_api->http_route.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "spec.traffic.gatewayAPI.httpRoute is required for the gatewayAPI provider "
                "(ModelDeployment " +
                    target.ns + "/" + target.name + ")");
  }
  return kube::resources::kHttpRoutes.in(target.ns).named(target.traffic.gateway_api->http_route);
}

Error routeNotFound(const kube::ResourceRef& ref) {
  return Error{ErrorCode::kNotFound, "HTTPRoute " + ref.ns + "/" + ref.name +
                                         " (spec.traffic.gatewayAPI.httpRoute) does not exist"};
}

}  // namespace

GatewayApiRouter::GatewayApiRouter(kube::KubeClient::Ptr kube) : kube_(std::move(kube)) {}

Result<RouteState> GatewayApiRouter::observe(const RouteTarget& target) {
  AVIARY_ASSIGN_OR_RETURN(kube::ResourceRef ref, routeRef(target));
  Result<Json> route = kube_->get(ref);
  if (!route) {
    if (route.error().code == ErrorCode::kNotFound) return fail(routeNotFound(ref));
    return fail(route.error().withContext("reading HTTPRoute " + ref.ns + "/" + ref.name));
  }
  return gateway_api::readRoute(*route, target);
}

Status GatewayApiRouter::setWeight(const RouteTarget& target, std::int32_t canary_percent) {
  return write(target, {.canary_percent = canary_percent, .mirror = std::nullopt});
}

Status GatewayApiRouter::setMirror(const RouteTarget& target, bool enabled) {
  return write(target, {.canary_percent = std::nullopt, .mirror = enabled});
}

Status GatewayApiRouter::finalize(const RouteTarget& target) {
  if (!target.traffic.gateway_api || target.traffic.gateway_api->http_route.empty()) return {};
  Status done = write(target, {.canary_percent = 0, .mirror = false});
  // A route that is gone, or no longer sends anything to aviary's Services, has nothing to give
  // back: the ModelDeployment may go.
  if (!done && (done.error().code == ErrorCode::kNotFound ||
                done.error().code == ErrorCode::kFailedPrecondition)) {
    return {};
  }
  return done;
}

Status GatewayApiRouter::write(const RouteTarget& target, const gateway_api::RouteChange& change) {
  AVIARY_ASSIGN_OR_RETURN(kube::ResourceRef ref, routeRef(target));
  const std::string what = "HTTPRoute " + ref.ns + "/" + ref.name;
  // One retry: a Conflict means someone wrote the route after our read; re-read and redo the edit
  // on what they wrote. A second Conflict goes to the caller, whose work queue retries later.
  for (int attempt = 0;; ++attempt) {
    Result<Json> route = kube_->get(ref);
    if (!route) {
      if (route.error().code == ErrorCode::kNotFound) return fail(routeNotFound(ref));
      return fail(route.error().withContext("reading " + what));
    }
    AVIARY_ASSIGN_OR_RETURN(std::optional<Json> patch,
                            gateway_api::routePatch(*route, target, change));
    if (!patch) return {};
    Result<Json> written = kube_->patch(ref, kube::PatchType::kMerge, *patch);
    if (written) return {};
    if (written.error().code == ErrorCode::kConflict && attempt == 0) continue;
    if (written.error().code == ErrorCode::kNotFound) return fail(routeNotFound(ref));
    return fail(written.error().withContext("writing " + what));
  }
}

}  // namespace aviary::router
