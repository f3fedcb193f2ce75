#include "controller/act.h"

#include <spdlog/spdlog.h>

#include <variant>

#include "controller/names.h"

namespace aviary::controller {
namespace {

using kube::Json;

const Json::json_pointer kTemplate("/spec/template");
constexpr const char* kPodTemplateHashLabel = "pod-template-hash";

std::string templateRevision(const Json& deployment) {
  const Json::json_pointer labels("/spec/template/metadata/labels");
  if (!deployment.contains(labels) || !deployment.at(labels).is_object()) return "";
  return deployment.at(labels).value(kRevisionLabel, "");
}

// Server-side apply of `desired` unless the cached object already carries all of it.
Status applyIfChanged(const ActContext& context, const kube::ResourceRef& kind, const Json& desired,
                      const ObjectLookup& cached) {
  const std::string key =
      desired["metadata"].value("namespace", "") + "/" + desired["metadata"].value("name", "");
  if (const kube::ObjectPtr live = cached ? cached(key) : nullptr;
      live && containsAll(*live, desired)) {
    return {};
  }
  auto applied = context.kube.patch(kube::refOf(kind, desired), kube::PatchType::kApply, desired,
                                    kube::PatchOptions{.force = true});
  if (!applied) return fail(applied.error().withContext("applying " + kind.resource + " " + key));
  return {};
}

Status noRouter() {
  return fail(ErrorCode::kFailedPrecondition, "no router for spec.traffic.provider");
}

struct Applier {
  const ActContext& context;

  Status operator()(const rollout::EnsureRevision& ensure) const {
    AVIARY_ASSIGN_OR_RETURN(const Json desired, deploymentOf(ensure));
    return applyIfChanged(context, kube::resources::kDeployments, desired, context.deployments);
  }

  // The role's Deployment at `ensure.revision`. The spec describes only its own revision; the pod
  // template of any other is taken from the Deployment of this ModelDeployment that runs it.
  Result<Json> deploymentOf(const rollout::EnsureRevision& ensure) const {
    Json desired = deploymentFor(context.md, context.spec, ensure.role, ensure.revision,
                                 ensure.replicas, context.sidecar);
    if (ensure.revision == context.desired_revision) return desired;
    const Json& meta = context.md.at("metadata");
    const std::string prefix = meta.value("namespace", "") + "/";
    std::optional<Json> pod;
    for (const rollout::Role role : {rollout::Role::kStable, rollout::Role::kCanary}) {
      const kube::ObjectPtr live =
          context.deployments(prefix + roleObjectName(meta.value("name", ""), role));
      if (live && templateRevision(*live) == ensure.revision) pod = live->at(kTemplate);
      if (pod) break;
    }
    if (!pod) {
      AVIARY_ASSIGN_OR_RETURN(pod, templateFromReplicaSets(ensure.revision));
    }
    (*pod)["metadata"]["labels"][kRoleLabel] = roleName(ensure.role);
    // A template read back carries `creationTimestamp: null`; in an apply patch null deletes.
    (*pod)["metadata"].erase("creationTimestamp");
    desired["spec"]["template"] = std::move(*pod);
    return desired;
  }

  // The pod template of `revision` from the newest ReplicaSet of this ModelDeployment's
  // Deployments that ran it: after a promotion began, the stable's Deployment runs the canary's
  // revision, and only its previous ReplicaSet still knows the old stable's template (as
  // `kubectl rollout undo` finds it). A live list, not a cache: it happens only when a rollback
  // follows a promotion that had started.
  Result<Json> templateFromReplicaSets(const std::string& revision) const {
    const Json& meta = context.md.at("metadata");
    const std::string name = meta.value("name", "");
    kube::ListOptions options;
    options.label_selector =
        std::string(kModelDeploymentLabel) + "=" + name + "," + kRevisionLabel + "=" + revision;
    auto listed =
        context.kube.list(kube::resources::kReplicaSets.in(meta.value("namespace", "")), options);
    if (!listed) return fail(listed.error().withContext("reading the ReplicaSets of " + name));
    const Json* newest = nullptr;
    for (const Json& replica_set : listed->items) {
      if (!ownedByOurDeployment(replica_set, name) || !replica_set.contains(kTemplate)) continue;
      // RFC 3339 timestamps of one format order as strings.
      if (newest == nullptr || replica_set["metadata"].value("creationTimestamp", "") >
                                   (*newest)["metadata"].value("creationTimestamp", "")) {
        newest = &replica_set;
      }
    }
    if (newest == nullptr) {
      return fail(ErrorCode::kFailedPrecondition,
                  "revision " + revision + " is not the spec's (" + context.desired_revision +
                      ") and neither a Deployment nor a ReplicaSet of " + name +
                      " runs it, so its pod template is unknown");
    }
    Json pod = newest->at(kTemplate);
    // The Deployment controller's own label; it adds it again to the Deployment's new ReplicaSet.
    if (pod["metadata"].contains("labels")) pod["metadata"]["labels"].erase(kPodTemplateHashLabel);
    return pod;
  }

  static bool ownedByOurDeployment(const Json& replica_set, const std::string& md_name) {
    for (const Json& owner : replica_set["metadata"].value("ownerReferences", Json::array())) {
      const std::string owner_name = owner.value("name", "");
      if (owner.value("kind", "") == "Deployment" &&
          (owner_name == roleObjectName(md_name, rollout::Role::kStable) ||
           owner_name == roleObjectName(md_name, rollout::Role::kCanary))) {
        return true;
      }
    }
    return false;
  }
  Status operator()(const rollout::SetWeight& weight) const {
    if (context.route && context.route->weight == weight.canary_percent) return {};
    if (context.router == nullptr) return noRouter();
    auto set = context.router->setWeight(context.target, weight.canary_percent);
    if (!set) return fail(set.error().withContext("setting the canary weight"));
    return {};
  }
  Status operator()(const rollout::SetMirror& mirror) const {
    if (context.route && context.route->mirror == mirror.enabled) return {};
    if (context.router == nullptr) return noRouter();
    auto set = context.router->setMirror(context.target, mirror.enabled);
    if (!set) return fail(set.error().withContext("setting the mirror"));
    return {};
  }
  Status operator()(const rollout::EmitEvent& event) const {
    context.events.record(context.md, eventTypeOf(event.type), event.reason, "Rollout",
                          event.message);
    return {};
  }
};

}  // namespace

kube::EventType eventTypeOf(rollout::EventType type) {
  return type == rollout::EventType::kWarning ? kube::EventType::kWarning
                                              : kube::EventType::kNormal;
}

Status apply(const rollout::Action& action, const ActContext& context) {
  return std::visit(Applier{context}, action);
}

Status ensureServices(const ActContext& context) {
  for (const Json& service : servicesFor(context.md)) {
    AVIARY_RETURN_IF_ERROR(
        applyIfChanged(context, kube::resources::kServices, service, context.services));
  }
  return {};
}

}  // namespace aviary::controller
