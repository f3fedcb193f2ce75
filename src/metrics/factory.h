#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "metrics/prometheus_provider.h"
#include "metrics/provider.h"

namespace aviary::metrics {

// The providers the gates of every ModelDeployment read from: the operator's default Prometheus
// (its flags: address, timeout, auth, TLS) and one per `prometheus.address` a spec names instead,
// created on first use with the same timeout, auth and TLS, and kept for the next analyses.
// Thread-safe: the controller's workers share one registry.
class ProviderRegistry {
 public:
  // How a provider is made from options; PrometheusProvider unless a test says otherwise.
  using Maker = std::function<Result<Provider::Ptr>(const PrometheusOptions&)>;

  // Providers kept at most; past it the oldest made is dropped (callers holding it keep it).
  static constexpr std::size_t kMaxProviders = 32;

  // `defaults.address` empty: no default Prometheus, only specs that name one can be analysed.
  explicit ProviderRegistry(PrometheusOptions defaults, Maker maker = makePrometheusProvider);

  // The provider for a metric whose spec says `address` (nullopt or empty: the default). Errors:
  // FailedPrecondition when there is neither; the maker's error (a malformed address, bad TLS
  // material), which is not kept, so a fixed flag or spec is picked up on the next call.
  Result<Provider::Ptr> providerFor(const std::optional<std::string>& address);

 private:
  const PrometheusOptions defaults_;
  const Maker maker_;
  std::mutex mutex_;
  std::map<std::string, Provider::Ptr> providers_;  // by address, trailing slashes dropped
  std::map<std::size_t, std::string> made_order_;   // creation sequence -> address
  std::size_t next_sequence_ = 0;
};

}  // namespace aviary::metrics
