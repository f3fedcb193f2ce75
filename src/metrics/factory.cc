#include "metrics/factory.h"

#include <utility>

namespace aviary::metrics {
namespace {

std::string normalised(std::string address) {
  while (!address.empty() && address.back() == '/') address.pop_back();
  return address;
}

}  // namespace

ProviderRegistry::ProviderRegistry(PrometheusOptions defaults, Maker maker)
    : defaults_(std::move(defaults)), maker_(std::move(maker)) {}

Result<Provider::Ptr> ProviderRegistry::providerFor(const std::optional<std::string>& address) {
  const bool overridden = address.has_value() && !address->empty();
  const std::string key = normalised(overridden ? *address : defaults_.address);
  if (key.empty()) {
    return fail(ErrorCode::kFailedPrecondition, "no Prometheus address: set --prometheus-url");
  }
  std::lock_guard lock(mutex_);
  if (auto found = providers_.find(key); found != providers_.end()) return found->second;
  PrometheusOptions options = defaults_;
  options.address = key;
  auto made = maker_(options);
  if (!made) return fail(made.error());
  if (providers_.size() >= kMaxProviders && !made_order_.empty()) {
    providers_.erase(made_order_.begin()->second);
    made_order_.erase(made_order_.begin());
  }
  providers_.emplace(key, *made);
  made_order_.emplace(next_sequence_++, key);
  return *made;
}

}  // namespace aviary::metrics
