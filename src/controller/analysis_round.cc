#include "controller/analysis_round.h"

#include "metrics/builtin_queries.h"
#include "rollout/analysis.h"

namespace aviary::controller {
namespace {

api::MetricResult runOne(const api::MetricSpec& metric, const metrics::QueryContext& context,
                         const ProviderLookup& providers, Timestamp now) {
  const std::optional<std::string> address =
      metric.prometheus ? metric.prometheus->address : std::nullopt;
  auto provider = providers(address);
  if (!provider) return rollout::providerError(metric, provider.error().message, now);
  auto query = queryFor(metric, context);
  if (!query) return rollout::providerError(metric, query.error().message, now);
  auto value = (*provider)->query(*query);
  if (!value) return rollout::providerError(metric, value.error().message, now);
  return rollout::checkMetric(metric, *value, now);
}

}  // namespace

Result<std::string> queryFor(const api::MetricSpec& metric, const metrics::QueryContext& context) {
  if (metric.builtin) return metrics::builtinQuery(metric, context);
  if (metric.prometheus) return metrics::renderQuery(metric.prometheus->query, context);
  return fail(ErrorCode::kInvalidArgument, metric.name + ": neither builtin nor prometheus");
}

std::vector<api::MetricResult> runAnalysisRound(const api::AnalysisSpec& analysis,
                                                const metrics::QueryContext& context,
                                                const ProviderLookup& providers, Timestamp now) {
  std::vector<api::MetricResult> results;
  results.reserve(analysis.metrics.size());
  for (const api::MetricSpec& metric : analysis.metrics) {
    results.push_back(runOne(metric, context, providers, now));
  }
  return results;
}

}  // namespace aviary::controller
