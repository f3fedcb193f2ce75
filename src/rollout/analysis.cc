#include "rollout/analysis.h"

#include <cmath>
#include <sstream>

namespace aviary::rollout {
namespace {

std::string bound(double value, const char* relation, double limit) {
  std::ostringstream text;
  text << value << " is " << relation << " " << limit;
  return text.str();
}

}  // namespace

api::CheckResult evaluate(const api::MetricSpec& metric, std::optional<double> value) {
  if (!value || std::isnan(*value)) return api::CheckResult::kNoData;
  if (metric.min && *value < *metric.min) return api::CheckResult::kFail;
  if (metric.max && *value > *metric.max) return api::CheckResult::kFail;
  return api::CheckResult::kPass;
}

api::MetricResult checkMetric(const api::MetricSpec& metric, std::optional<double> value,
                              Timestamp at) {
  api::MetricResult result;
  result.name = metric.name;
  result.value = value;
  result.at = at;
  if (value && std::isnan(*value)) result.value.reset();  // NaN does not survive JSON
  result.result = evaluate(metric, value);
  switch (result.result) {
    case api::CheckResult::kNoData:
      result.message =
          value ? "query returned NaN (no traffic in the window?)" : "query returned no sample";
      break;
    case api::CheckResult::kFail:
      if (metric.min && *value < *metric.min) {
        result.message = bound(*value, "below the minimum", *metric.min);
      } else {
        result.message = bound(*value, "above the maximum", *metric.max);
      }
      break;
    case api::CheckResult::kPass:
    case api::CheckResult::kError:
      break;
  }
  return result;
}

api::MetricResult providerError(const api::MetricSpec& metric, std::string message, Timestamp at) {
  return api::MetricResult{metric.name, std::nullopt, api::CheckResult::kError, std::move(message),
                           at};
}

RoundVerdict judgeRound(const api::AnalysisSpec& analysis,
                        const std::vector<api::MetricResult>& results) {
  RoundVerdict round;
  for (const auto& metric : analysis.metrics) {
    api::CheckResult result = api::CheckResult::kNoData;
    for (const auto& r : results) {
      if (r.name == metric.name) result = r.result;
    }
    switch (result) {
      case api::CheckResult::kPass:
        break;
      case api::CheckResult::kFail:
        round.failed.push_back(metric.name);
        break;
      case api::CheckResult::kNoData:
        if (analysis.no_data == api::NoDataPolicy::kFail) {
          round.failed.push_back(metric.name);
        } else {
          round.no_data.push_back(metric.name);
        }
        break;
      case api::CheckResult::kError:
        round.errors.push_back(metric.name);
        break;
    }
  }
  if (!round.failed.empty()) {
    round.verdict = Verdict::kFail;
  } else if (!round.errors.empty()) {
    round.verdict = Verdict::kError;
  } else if (!round.no_data.empty()) {
    round.verdict = Verdict::kNoData;
  }
  return round;
}

}  // namespace aviary::rollout
