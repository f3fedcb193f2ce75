#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kube/client.h"
#include "rollout/decide.h"
#include "router/router.h"

// What the controller saw, turned into rollout::Observations. PURE: JSON in, structs out.
namespace aviary::controller {

// One role's Deployment (nullptr: absent) as decide() sees it.
//
// Readiness rule: pods count as ready for the template's revision only when the Deployment's
// controller has seen the current spec (status.observedGeneration >= metadata.generation);
// before that its counters describe an older template. Then
//   ready = min(updatedReplicas, availableReplicas) - (replicas - updatedReplicas), at least 0:
// of the available pods, those still running an older template (replicas - updatedReplicas) are
// taken away, so a pod of the old revision is never counted for the new one (during a surge this
// undercounts for a moment, never overcounts). available_replicas is status.availableReplicas
// (pods of any revision: an old pod still answers), observed_current the generation check above.
rollout::RoleObservation roleOf(const kube::Json* deployment);

// Everything decide() needs besides the spec and status.
struct ObservedWorld {
  const kube::Json* md = nullptr;  // the ModelDeployment (for metadata.generation)
  const kube::Json* stable = nullptr;
  const kube::Json* canary = nullptr;
  std::optional<router::RouteState> route;  // nullopt: the router could not be read
  std::string desired_revision;
  std::vector<std::string> spec_problems;  // "path: message"
};
rollout::Observations observe(const ObservedWorld& world);

}  // namespace aviary::controller
