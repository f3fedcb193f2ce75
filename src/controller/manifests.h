#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/spec.h"
#include "kube/client.h"
#include "rollout/decide.h"

// The objects aviary generates for a ModelDeployment, as the JSON it applies. PURE.
namespace aviary::controller {

// How the controller runs the sidecar in every pod (operator flags --sidecar-*).
struct SidecarDefaults {
  std::string image = "aviary-sidecar:latest";
  std::string cpu_request;     // "" leaves it unset
  std::string memory_request;  // "" leaves it unset
  std::vector<std::string> extra_args;
};

// What of the sidecar defaults ends up in every pod, as part of each revision
// (api::revisionHash's `runtime`): a new image, resources or arguments are rolled out through the
// canary.
kube::Json sidecarIdentity(const SidecarDefaults& sidecar);

// The sidecar's ports: inference (OIP v2, probes) and /metrics.
inline constexpr std::int32_t kSidecarHttpPort = 8080;
inline constexpr std::int32_t kSidecarMetricsPort = 9090;

// The sidecar's command line for `spec.model` at `revision`: only flags aviary-sidecar accepts
// (src/sidecar/app/config.cc), then the extra args.
std::vector<std::string> sidecarArgs(const api::ModelSpec& model, const std::string& revision,
                                     const SidecarDefaults& sidecar);

// Deployment `<md>-<role>`: the user's spec.template (may be {}) plus the `aviary-sidecar`
// container (replacing one of that name), labelled with the ModelDeployment, role and (pods)
// revision, managed by aviary, controlled by `md` (which carries apiVersion, kind, metadata.name,
// namespace and uid). The selector is the ModelDeployment and role only: it never changes.
kube::Json deploymentFor(const kube::Json& md, const api::ModelDeploymentSpec& spec,
                         rollout::Role role, const std::string& revision, std::int32_t replicas,
                         const SidecarDefaults& sidecar);

// Services `<md>` (both roles: what clients use with the `replicas` provider), `<md>-stable` and
// `<md>-canary` (one role each: the backends mesh routers weigh), each on port `http`.
std::vector<kube::Json> servicesFor(const kube::Json& md);

// True when every field `desired` sets has that value in `live` (objects: key by key; arrays:
// same length, element by element). What the API server adds (defaults, status) is ignored, so
// an apply whose fields are already live can be skipped.
bool containsAll(const kube::Json& live, const kube::Json& desired);

}  // namespace aviary::controller
