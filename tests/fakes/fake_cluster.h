#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "kube/cache.h"
#include "kube/resource.h"
#include "tests/fakes/fake_kube.h"

namespace aviary::testing {

// FakeKube plus what a cluster's own controllers would do to it: tick() brings every Deployment's
// status to its spec at once (the Deployment controller and kubelet, with pods that turn ready
// immediately), as World does in tests/rollout/simulation_test.cc.
class FakeCluster {
 public:
  explicit FakeCluster(Clock::Ptr clock = nullptr) : kube_(std::make_shared<FakeKube>(clock)) {}

  std::shared_ptr<FakeKube> kube() const { return kube_; }

  // Every Deployment reports all its desired pods updated, ready and available, for its current
  // generation, and has a ReplicaSet for its current pod template (older ones are kept, as with
  // revisionHistoryLimit). Writes only what changes.
  void tick() {
    auto list = kube_->list(kube::resources::kDeployments);
    if (!list) return;
    for (kube::Json& deployment : list->items) {
      ensureReplicaSet(deployment);
      const auto replicas = deployment["spec"].value("replicas", 1);
      const kube::Json status = {
          {"observedGeneration", deployment["metadata"].value("generation", 0)},
          {"replicas", replicas},
          {"updatedReplicas", replicas},
          {"readyReplicas", replicas},
          {"availableReplicas", replicas}};
      if (deployment.value("status", kube::Json::object()) == status) continue;
      deployment["status"] = status;
      (void)kube_->updateStatus(kube::refOf(kube::resources::kDeployments, deployment), deployment);
    }
  }

  // Reads of `kind` by "namespace/name", straight from the fake API server (an informer cache
  // that is always current).
  std::function<kube::ObjectPtr(const std::string&)> lookup(const kube::ResourceRef& kind) const {
    return [kube = kube_, kind](const std::string& key) -> kube::ObjectPtr {
      const auto slash = key.find('/');
      auto object = kube->get(kind.in(key.substr(0, slash)).named(key.substr(slash + 1)));
      if (!object) return nullptr;
      return std::make_shared<const kube::Json>(std::move(*object));
    };
  }

 private:
  // The ReplicaSet the Deployment controller makes for the current template: named by a hash of
  // the template, labelled as its pods plus pod-template-hash, owned by the Deployment.
  void ensureReplicaSet(const kube::Json& deployment) {
    const kube::Json& meta = deployment["metadata"];
    const kube::Json pod = deployment["spec"].value("template", kube::Json::object());
    char hash[17];
    std::snprintf(hash, sizeof hash, "%zx", std::hash<std::string>{}(pod.dump()) & 0xffffffffu);
    const auto ref = kube::resources::kReplicaSets.in(meta.value("namespace", ""))
                         .named(meta.value("name", "") + "-" + hash);
    if (kube_->get(ref)) return;
    kube::Json labeled = pod;
    labeled["metadata"]["labels"]["pod-template-hash"] = hash;
    kube::Json replica_set = {
        {"apiVersion", "apps/v1"},
        {"kind", "ReplicaSet"},
        {"metadata",
         {{"name", ref.name},
          {"namespace", ref.ns},
          {"labels", labeled["metadata"]["labels"]},
          {"ownerReferences", kube::Json::array({{{"apiVersion", "apps/v1"},
                                                  {"kind", "Deployment"},
                                                  {"name", meta.value("name", "")},
                                                  {"uid", meta.value("uid", "")},
                                                  {"controller", true}}})}}},
        {"spec", {{"template", labeled}}}};
    (void)kube_->create(kube::resources::kReplicaSets.in(ref.ns), replica_set);
  }

  std::shared_ptr<FakeKube> kube_;
};

}  // namespace aviary::testing
