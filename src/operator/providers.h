#pragma once

#include <memory>

#include "common/result.h"
#include "controller/analysis_round.h"
#include "controller/reconciler.h"
#include "kube/client.h"
#include "metrics/factory.h"
#include "operator/config.h"
#include "router/factory.h"

namespace aviary::operator_app {

// The routers and metric providers the controller uses, from the operator's flags: the one place
// besides the factories that picks concrete implementations.
class Providers {
 public:
  static Result<std::unique_ptr<Providers>> create(const OperatorConfig& config,
                                                   kube::KubeClient::Ptr kube);

  controller::RouterLookup routers() const;
  controller::ProviderLookup metricProviders() const;

 private:
  Providers(std::shared_ptr<router::RouterFactory> routers,
            std::shared_ptr<metrics::ProviderRegistry> metrics)
      : routers_(std::move(routers)), metrics_(std::move(metrics)) {}

  std::shared_ptr<router::RouterFactory> routers_;
  std::shared_ptr<metrics::ProviderRegistry> metrics_;
};

}  // namespace aviary::operator_app
