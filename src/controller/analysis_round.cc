#include "controller/analysis_round.h"

#include "rollout/analysis.h"

namespace aviary::controller {
namespace {

api::MetricResult runOne(const api::MetricSpec& metric, const QueryTarget& target,
                         const AnalysisSources& sources, Timestamp now) {
  const std::optional<std::string> address =
      metric.prometheus ? metric.prometheus->address : std::nullopt;
  auto provider = sources.provider(address);
  if (!provider) return rollout::providerError(metric, provider.error().message, now);
  auto query = sources.render(metric, target);
  if (!query) return rollout::providerError(metric, query.error().message, now);
  auto value = (*provider)->query(*query);
  if (!value) return rollout::providerError(metric, value.error().message, now);
  return rollout::checkMetric(metric, *value, now);
}

}  // namespace

std::vector<api::MetricResult> runAnalysisRound(const api::AnalysisSpec& analysis,
                                                const QueryTarget& target,
                                                const AnalysisSources& sources, Timestamp now) {
  std::vector<api::MetricResult> results;
  results.reserve(analysis.metrics.size());
  for (const api::MetricSpec& metric : analysis.metrics) {
    results.push_back(runOne(metric, target, sources, now));
  }
  return results;
}

}  // namespace aviary::controller
