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

// One analysis round: every gate of spec.analysis queried once and judged.
namespace aviary::controller {

// What a query is about: the placeholders of a template and the labels of a builtin.
struct QueryTarget {
  std::string name;      // the ModelDeployment
  std::string ns;        // its namespace
  std::string canary;    // canary revision
  std::string stable;    // stable revision
  Duration interval{0};  // spec.analysis.interval
};

struct AnalysisSources {
  // The provider for a gate: the controller's default Prometheus, or the address a gate names.
  std::function<Result<metrics::Provider::Ptr>(const std::optional<std::string>& address)> provider;
  // The query text of a gate (a builtin's PromQL, or its template filled in).
  std::function<Result<std::string>(const api::MetricSpec& metric, const QueryTarget& target)>
      render;
};

// One MetricResult per metric, in spec order: a value (or no data) judged by checkMetric, any
// failure to render or to query recorded as providerError. Never fails as a whole: an
// unreachable provider is a result decide() weighs (kError never passes a round).
std::vector<api::MetricResult> runAnalysisRound(const api::AnalysisSpec& analysis,
                                                const QueryTarget& target,
                                                const AnalysisSources& sources, Timestamp now);

}  // namespace aviary::controller
