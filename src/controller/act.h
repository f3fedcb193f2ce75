#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/spec.h"
#include "common/result.h"
#include "controller/manifests.h"
#include "kube/cache.h"
#include "kube/client.h"
#include "kube/events.h"
#include "rollout/decide.h"
#include "router/router.h"

// Applying decide()'s actions to the world.
namespace aviary::controller {

// A read of what the controller's informers hold: the object under "namespace/name", or nullptr.
using ObjectLookup = std::function<kube::ObjectPtr(const std::string& key)>;

// What applying an action for one ModelDeployment needs.
struct ActContext {
  kube::KubeClient& kube;
  const kube::Json& md;                  // the ModelDeployment as read
  const api::ModelDeploymentSpec& spec;  // parsed, defaulted
  const std::string& desired_revision;   // the spec's revision (api::revisionHash)
  router::Router* router;                // nullptr when the provider is unsupported (spec problems)
  const router::RouteTarget& target;
  // What the router reported at the start of this reconcile (nullopt: unread). A weight or mirror
  // it already reports is not set again.
  const std::optional<router::RouteState>& route;
  kube::EventRecorder& events;
  const SidecarDefaults& sidecar;
  const ObjectLookup& deployments;  // cached Deployments
  const ObjectLookup& services;     // cached Services
};

// Applies one action. EnsureRevision: server-side apply (forced: aviary owns the object) of the
// role's Deployment, skipped when the cached object already has every desired field. Only the
// spec's own revision is built from the spec; any other revision (the stable while a canary runs,
// the stable a rollback keeps) keeps the pod template of the Deployment that already runs it, so
// a new spec never reaches the stable before it is promoted. A revision no Deployment runs any
// more (the old stable, once a promotion has begun) takes its template from the newest
// ReplicaSet of this ModelDeployment that ran it; none is FailedPrecondition. SetWeight /
// SetMirror: the router, skipped when the route read at the start already says so. EmitEvent: an
// Event on the ModelDeployment.
Status apply(const rollout::Action& action, const ActContext& context);

// Applies the three Services that are not already as desired.
Status ensureServices(const ActContext& context);

// rollout's event type as Kubernetes'.
kube::EventType eventTypeOf(rollout::EventType type);

}  // namespace aviary::controller
