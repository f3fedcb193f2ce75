#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"

// Metric values against their gates. Pure: the controller queries the provider, then hands the
// values (or the provider's error) to these functions.
namespace aviary::rollout {

// One value against one gate. Bounds are inclusive: min <= value <= max passes.
//   - nullopt (the query returned no sample) -> kNoData.
//   - NaN -> kNoData: PromQL yields NaN for 0/0, i.e. a ratio over a window without traffic.
//   - +/-Inf is compared like any other value: histogram_quantile returns +Inf when the quantile
//     lies above the highest bucket, which is a real (too slow) answer, not a missing one.
// kError is never produced here: it means the provider could not answer (see providerError).
api::CheckResult evaluate(const api::MetricSpec& metric, std::optional<double> value);

// The MetricResult for a value (evaluate() plus a message saying why, for people).
api::MetricResult checkMetric(const api::MetricSpec& metric, std::optional<double> value,
                              Timestamp at);

// The MetricResult for a query the provider could not answer (Prometheus down, bad PromQL).
api::MetricResult providerError(const api::MetricSpec& metric, std::string message, Timestamp at);

// What one analysis round means for the rollout. Precedence: kFail > kError > kNoData > kPass, so a
// clear failure of one gate is not hidden by another gate's outage.
enum class Verdict {
  kPass,    // every configured metric passed
  kFail,    // a metric failed, or had no data under `noData: fail`
  kNoData,  // no failure, but some metric had no data under `noData: hold`
  kError,   // no failure, but the provider could not answer for some metric: never a pass
};

struct RoundVerdict {
  Verdict verdict = Verdict::kPass;
  std::vector<std::string> failed;   // names of metrics that failed (incl. noData: fail)
  std::vector<std::string> no_data;  // names held for lack of data (noData: hold)
  std::vector<std::string> errors;   // names the provider could not answer
};

// Judges a round against the spec. A configured metric without a result counts as no data, so a
// controller that drops a query cannot turn a round into a pass.
RoundVerdict judgeRound(const api::AnalysisSpec& analysis,
                        const std::vector<api::MetricResult>& results);

}  // namespace aviary::rollout
