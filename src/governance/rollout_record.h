#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "governance/card.h"

// What the controller remembers of the rollout in progress of one ModelDeployment, so that the
// card it writes when the rollout ends has the whole timeline and every analysis value, not only
// the last ones the status keeps. Pure: folded from successive statuses.
namespace aviary::governance {

inline constexpr std::size_t kMaxTimeline = 256;  // oldest entries go first
inline constexpr std::size_t kMaxSamples = 512;   // per gate, oldest go first

struct RolloutRecord {
  std::string revision;  // the canary revision it records; empty before the first rollout
  std::string replaced;  // the stable revision when it started
  std::optional<Timestamp> started_at;
  std::vector<TimelineEntry> timeline;
  std::vector<GateSeries> gates;

  friend bool operator==(const RolloutRecord&, const RolloutRecord&) = default;
};

// Folds one reconcile into the record. A canary revision other than the recorded one starts a new
// record ("started"); the shadow stage, each step and weight change, each phase change and each
// analysis round (`analysis`, when one ran) become timeline entries, the round's values samples of
// their gates; a new status.history entry ends the timeline with the outcome.
void recordReconcile(RolloutRecord& record, const api::AnalysisSpec& analysis,
                     const api::ModelDeploymentStatus& before,
                     const api::ModelDeploymentStatus& after,
                     const std::vector<api::MetricResult>* analysis_results, Timestamp now);

// The newest history entry of `after` when this reconcile added it, else nullopt.
std::optional<api::HistoryEntry> newOutcome(const api::ModelDeploymentStatus& before,
                                            const api::ModelDeploymentStatus& after);

// The card of the rollout `outcome` ended. When the record is of another revision (the controller
// restarted during the rollout), the card holds what the status still knows: the start time and
// the last value of each gate.
ModelCard cardOf(const RolloutRecord& record, const std::string& deployment, const std::string& ns,
                 const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& after,
                 const api::HistoryEntry& outcome);

}  // namespace aviary::governance
