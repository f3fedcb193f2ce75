#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

// Metric providers: where the analysis gates' values come from.
namespace aviary::metrics {

// Contract, for every implementation:
// - query(q) evaluates one instant query now and returns its single value.
// - nullopt: no data (an empty result). NaN passes through as a value; rollout::evaluate() reads it
//   as no data (PromQL's 0/0 over a window without traffic).
// - More than one series is InvalidArgument naming the series (a gate must reduce to one value).
// - Unreachable, timed out, 5xx: Unavailable or DeadlineExceeded; a query the provider rejects
//   (bad PromQL): InvalidArgument with the provider's message. An error is never a value.
// - Thread-safe; every call has a timeout.
class Provider {
 public:
  using Ptr = std::shared_ptr<Provider>;
  virtual ~Provider() = default;

  virtual Result<std::optional<double>> query(const std::string& query) = 0;
};

}  // namespace aviary::metrics
