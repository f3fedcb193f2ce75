#pragma once

#include <string>

namespace aviary::kube {

// Names a kind of resource, and optionally one namespace and one object of it. An empty `ns` means
// cluster-scoped, or "all namespaces" for list and watch. An empty `group` is the core group.
struct ResourceRef {
  std::string group;
  std::string version;
  std::string resource;  // plural, lower case: "configmaps", "modeldeployments"
  std::string ns;
  std::string name;

  ResourceRef in(std::string namespace_name) const;
  ResourceRef named(std::string object_name) const;
  std::string apiVersion() const;  // "v1", "aviary.dev/v1alpha1"
  // "/api/v1/namespaces/ml/configmaps" (the collection) and ".../configmaps/name" (the object).
  std::string collectionPath() const;
  std::string objectPath() const;
  // "configmaps ml/name" for messages.
  std::string describe() const;
};

namespace resources {
inline const ResourceRef kNamespaces{"", "v1", "namespaces", "", ""};
inline const ResourceRef kConfigMaps{"", "v1", "configmaps", "", ""};
inline const ResourceRef kSecrets{"", "v1", "secrets", "", ""};
inline const ResourceRef kServices{"", "v1", "services", "", ""};
inline const ResourceRef kPods{"", "v1", "pods", "", ""};
inline const ResourceRef kDeployments{"apps", "v1", "deployments", "", ""};
inline const ResourceRef kReplicaSets{"apps", "v1", "replicasets", "", ""};
inline const ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", "", ""};
inline const ResourceRef kEvents{"events.k8s.io", "v1", "events", "", ""};
inline const ResourceRef kCustomResourceDefinitions{"apiextensions.k8s.io", "v1",
                                                    "customresourcedefinitions", "", ""};
inline const ResourceRef kModelDeployments{"aviary.dev", "v1alpha1", "modeldeployments", "", ""};
inline const ResourceRef kHttpRoutes{"gateway.networking.k8s.io", "v1", "httproutes", "", ""};
}  // namespace resources

}  // namespace aviary::kube
