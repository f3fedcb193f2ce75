#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "common/result.h"
#include "metrics/provider.h"
#include "metrics/query_template.h"

// One analysis round: every gate of spec.analysis queried once and judged.
namespace aviary::controller {

// Where a gate's query goes: the controller's default Prometheus, or the address a gate names
// (metrics::ProviderRegistry::providerFor in the operator, a FakeProvider in tests).
using ProviderLookup =
    std::function<Result<metrics::Provider::Ptr>(const std::optional<std::string>& address)>;

// The query of one gate: a builtin's PromQL, or its template filled in, for `context`.
Result<std::string> queryFor(const api::MetricSpec& metric, const metrics::QueryContext& context);

// One MetricResult per metric, in spec order: a value (or no data) judged by checkMetric, any
// failure to find a provider, render or query recorded as providerError. Never fails as a whole: an
// unreachable provider is a result decide() weighs (kError never passes a round).
std::vector<api::MetricResult> runAnalysisRound(const api::AnalysisSpec& analysis,
                                                const metrics::QueryContext& context,
                                                const ProviderLookup& providers, Timestamp now);

}  // namespace aviary::controller
