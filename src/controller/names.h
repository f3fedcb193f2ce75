#pragma once

#include <string>

#include "rollout/decide.h"

// The names and labels aviary gives the objects it generates for a ModelDeployment. One table, so
// manifests, observe and the controller's informers cannot disagree.
namespace aviary::controller {

inline constexpr const char* kModelDeploymentLabel = "aviary.dev/modeldeployment";
inline constexpr const char* kRoleLabel = "aviary.dev/role";
inline constexpr const char* kRevisionLabel = "aviary.dev/revision";  // pods only
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "aviary";
// What the controller's Deployment and Service informers select.
inline constexpr const char* kManagedBySelector = "app.kubernetes.io/managed-by=aviary";
inline constexpr const char* kFinalizer = "aviary.dev/finalizer";
inline constexpr const char* kSidecarContainer = "aviary-sidecar";

// "stable" or "canary": the value of aviary.dev/role and the suffix of the role's objects.
inline std::string roleName(rollout::Role role) {
  return role == rollout::Role::kStable ? "stable" : "canary";
}
// "<md>-stable" / "<md>-canary": the role's Deployment and Service.
inline std::string roleObjectName(const std::string& md, rollout::Role role) {
  return md + "-" + roleName(role);
}

}  // namespace aviary::controller
