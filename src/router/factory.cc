#include "router/factory.h"

#include <string>
#include <utility>

#include "api/names.h"
#include "router/gateway_api_router.h"
#include "router/replicas_router.h"

namespace aviary::router {

namespace {

std::map<api::TrafficProvider, Router::Ptr> implemented(kube::KubeClient::Ptr kube) {
  std::map<api::TrafficProvider, Router::Ptr> routers;
  routers[api::TrafficProvider::kReplicas] = std::make_unique<ReplicasRouter>();
  routers[api::TrafficProvider::kGatewayApi] = std::make_unique<GatewayApiRouter>(std::move(kube));
  // istio (VirtualService) and nginx (canary Ingress) slot in here, one line each.
  return routers;
}

}  // namespace

RouterFactory::RouterFactory(kube::KubeClient::Ptr kube)
    : RouterFactory(implemented(std::move(kube))) {}

RouterFactory::RouterFactory(std::map<api::TrafficProvider, Router::Ptr> routers)
    : routers_(std::move(routers)) {}

Result<Router*> RouterFactory::router(api::TrafficProvider provider) const {
  const auto it = routers_.find(provider);
  if (it == routers_.end() || !it->second) {
    std::string supported;
    for (const auto& [known, router] : routers_) {
      if (!router) continue;
      supported += (supported.empty() ? "" : ", ") + std::string(api::enumName(known));
    }
    return fail(ErrorCode::kUnimplemented, "traffic provider " +
                                               std::string(api::enumName(provider)) +
                                               " is not supported by this controller yet "
                                               "(supported: " +
                                               supported + ")");
  }
  return it->second.get();
}

}  // namespace aviary::router
