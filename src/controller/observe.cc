#include "controller/observe.h"

#include <algorithm>

#include "controller/names.h"

namespace aviary::controller {
namespace {

std::int64_t intAt(const kube::Json& object, const kube::Json::json_pointer& path,
                   std::int64_t fallback) {
  if (!object.contains(path)) return fallback;
  const kube::Json& value = object.at(path);
  return value.is_number_integer() ? value.get<std::int64_t>() : fallback;
}

}  // namespace

rollout::RoleObservation roleOf(const kube::Json* deployment) {
  rollout::RoleObservation role;
  if (deployment == nullptr) return role;
  const kube::Json& d = *deployment;
  role.exists = true;
  const kube::Json::json_pointer revision_path("/spec/template/metadata/labels");
  if (d.contains(revision_path) && d.at(revision_path).is_object()) {
    role.revision = d.at(revision_path).value(kRevisionLabel, "");
  }
  role.replicas =
      static_cast<std::int32_t>(intAt(d, kube::Json::json_pointer("/spec/replicas"), 1));
  const auto generation = intAt(d, kube::Json::json_pointer("/metadata/generation"), 0);
  const auto observed = intAt(d, kube::Json::json_pointer("/status/observedGeneration"), -1);
  const auto total = intAt(d, kube::Json::json_pointer("/status/replicas"), 0);
  const auto updated = intAt(d, kube::Json::json_pointer("/status/updatedReplicas"), 0);
  const auto available = intAt(d, kube::Json::json_pointer("/status/availableReplicas"), 0);
  role.available_replicas = static_cast<std::int32_t>(available);
  role.observed_current = observed >= generation;
  if (!role.observed_current) return role;
  const auto old_pods = std::max<std::int64_t>(0, total - updated);
  role.ready_replicas =
      static_cast<std::int32_t>(std::max<std::int64_t>(0, std::min(updated, available) - old_pods));
  return role;
}

rollout::Observations observe(const ObservedWorld& world) {
  rollout::Observations obs;
  if (world.md != nullptr) {
    obs.generation = intAt(*world.md, kube::Json::json_pointer("/metadata/generation"), 0);
  }
  obs.desired_revision = world.desired_revision;
  obs.spec_problems = world.spec_problems;
  obs.stable = roleOf(world.stable);
  obs.canary = roleOf(world.canary);
  if (world.route) {
    obs.observed_weight = world.route->weight;
    obs.observed_mirror = world.route->mirror;
  }
  return obs;
}

}  // namespace aviary::controller
