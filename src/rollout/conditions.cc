// The kstatus conditions (CONVENTIONS.md): Ready, Reconciling, Stalled and the detail conditions,
// with their transition times.
#include "api/conditions.h"

#include <utility>

#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

// last_transition_time moves only when `status` flips (api::setCondition).
void Decider::setCondition(const std::string& type, const std::string& status, std::string reason,
                           std::string message) {
  api::setCondition(st().conditions, api::Condition{type, status, std::move(reason),
                                                    std::move(message), now_, obs_.generation});
}

// A detail condition is added when it becomes True and turned False (not removed) after.
void Decider::setDetail(const std::string& type, const std::optional<std::string>& message,
                        const char* reason) {
  if (message) {
    setCondition(type, "True", reason, *message);
  } else if (api::findCondition(st().conditions, type)) {
    setCondition(type, "False", "AsExpected", "");
  }
}

void Decider::finish() {
  auto& s = st();
  const bool ready = s.phase == Phase::kSucceeded && desired() == s.stable_revision &&
                     obs_.stable.runs(s.stable_revision) && obs_.stable.healthy();
  if (!ready && s.phase == Phase::kSucceeded && !stalled_ && !reconciling_) {
    // Promoted, but the stable's pods are not all ready yet (a new scale, a restart).
    inProgress("Scaling",
               "waiting for stable " + shortRev(s.stable_revision) + ": " + readiness(obs_.stable));
  }
  if (ready) {
    s.message = "revision " + shortRev(s.stable_revision) + " serves 100%";
    setCondition(kReady, "True", "Succeeded", s.message);
  } else {
    const ConditionWant* why = stalled_ ? &*stalled_ : reconciling_ ? &*reconciling_ : nullptr;
    s.message =
        why ? why->message
            : "waiting for stable " + shortRev(s.stable_revision) + ": " + readiness(obs_.stable);
    setCondition(kReady, "False", why ? why->reason : "StableNotReady", s.message);
  }
  const std::string phase_reason = s.phase == Phase::kSucceeded ? "Succeeded"
                                   : s.phase == Phase::kFailed  ? "Failed"
                                                                : "";
  if (stalled_) {
    setCondition(kReconciling, "False", stalled_->reason, "");
    setCondition(kStalled, "True", stalled_->reason, stalled_->message);
  } else {
    if (reconciling_) {
      setCondition(kReconciling, "True", reconciling_->reason, reconciling_->message);
    } else {
      setCondition(kReconciling, "False", phase_reason.empty() ? "Idle" : phase_reason, "");
    }
    setCondition(kStalled, "False", phase_reason.empty() ? "Progressing" : phase_reason, "");
  }

  std::optional<std::string> no_data;
  std::optional<std::string> unavailable;
  const bool analysing = s.phase == Phase::kProgressing || s.phase == Phase::kPaused;
  if (analysing && s.last_analysis_at && !spec_.analysis.metrics.empty()) {
    if (!round_.no_data.empty()) {
      no_data = "no data for " + join(round_.no_data, ", ") + "; holding (noData: hold)";
    }
    if (!round_.errors.empty()) {
      unavailable = "provider could not answer for " + join(round_.errors, ", ") + "; holding";
    }
  }
  setDetail(kAnalysisNoData, no_data, "NoData");
  setDetail(kMetricsUnavailable, unavailable, "ProviderError");
  setDetail(kStableUnavailable, stable_unavailable_, "StableNotServing");
}

}  // namespace aviary::rollout
