#include "operator/providers.h"

#include <spdlog/spdlog.h>

namespace aviary::operator_app {

Result<std::unique_ptr<Providers>> Providers::create(const OperatorConfig& config,
                                                     kube::KubeClient::Ptr kube) {
  metrics::PrometheusOptions prometheus;
  prometheus.address = config.prometheus_url;
  prometheus.timeout = config.prometheus_timeout;
  prometheus.bearer_token_file = config.prometheus_bearer_token_file;
  prometheus.basic_auth_username = config.prometheus_username;
  prometheus.basic_auth_password_file = config.prometheus_password_file;
  prometheus.tls.ca_file = config.prometheus_ca_file;
  if (prometheus.address.empty()) {
    spdlog::warn("no --prometheus-url: only gates that name a prometheus.address can be analysed");
  }
  return std::unique_ptr<Providers>(
      new Providers(std::make_shared<router::RouterFactory>(std::move(kube)),
                    std::make_shared<metrics::ProviderRegistry>(std::move(prometheus))));
}

controller::RouterLookup Providers::routers() const {
  return [routers = routers_](api::TrafficProvider provider) { return routers->router(provider); };
}

controller::ProviderLookup Providers::metricProviders() const {
  return [registry = metrics_](const std::optional<std::string>& address) {
    return registry->providerFor(address);
  };
}

}  // namespace aviary::operator_app
