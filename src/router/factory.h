#pragma once

#include <map>

#include "api/spec.h"
#include "common/result.h"
#include "kube/client.h"
#include "router/router.h"

namespace aviary::router {

// Hands out the Router for a traffic provider. Each Router is built once, when the factory is, and
// shared by every worker (routers hold nothing per ModelDeployment). A provider without a Router is
// Unimplemented, never a fallback to another provider: the controller reports it as an invalid
// spec. This is the only file that names the concrete routers.
class RouterFactory final {
 public:
  // The routers this controller implements: replicas, and gatewayAPI over `kube`.
  explicit RouterFactory(kube::KubeClient::Ptr kube);
  // Exactly `routers`, e.g. a FakeRouter for the providers a controller test uses.
  explicit RouterFactory(std::map<api::TrafficProvider, Router::Ptr> routers);

  // The Router for `provider`, valid as long as the factory. Unimplemented for a provider this
  // controller does not support (yet): istio and nginx. Thread-safe.
  Result<Router*> router(api::TrafficProvider provider) const;

 private:
  std::map<api::TrafficProvider, Router::Ptr> routers_;
};

}  // namespace aviary::router
