// decide() dispatches on the phase; each phase's logic lives in its own file (decider.h lists
// them).
#include "rollout/decide.h"

#include <algorithm>
#include <utility>

#include "api/conditions.h"
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

Decider::Decider(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                 const Observations& obs, Timestamp now)
    : spec_(spec),
      prev_(status),
      obs_(obs),
      now_(now),
      requests_(status.requests),
      round_(judgeRound(spec.analysis, status.analysis)) {
  out_.status = status;
  st().observed_generation = obs.generation;
  st().requests = {};
}

Decision Decider::run() {
  if (!obs_.spec_problems.empty()) {
    invalidSpec();
    return std::move(out_);
  }
  if (st().stable_revision.empty()) {
    initializing();
  } else {
    switch (st().phase) {
      case Phase::kInitializing:  // stable exists: a status written before promotion finished
      case Phase::kSucceeded:
      case Phase::kFailed:
        settled();
        break;
      case Phase::kProgressing:
      case Phase::kPaused:
        running();
        break;
      case Phase::kPromoting:
        promoting();
        break;
      case Phase::kRollingBack:
        rollingBack();
        break;
    }
  }
  // Mirroring belongs to the shadow stage alone: whichever path left the stage, and a mirror the
  // router still reports, ends here.
  if (!st().shadowing) endShadow();
  if (!held_) st().holding_since.reset();
  if (st().phase != Phase::kSucceeded && st().phase != Phase::kFailed) requeue(kInFlightResync);
  finish();
  return std::move(out_);
}

// spec_problems: touch nothing (what runs keeps serving), say so once, keep requests for later.
void Decider::invalidSpec() {
  st().requests = requests_;
  if (st().phase != Phase::kSucceeded && st().phase != Phase::kFailed) requeue(kInFlightResync);
  const std::string message = "invalid spec: " + join(obs_.spec_problems, "; ");
  const auto* before = api::findCondition(prev_.conditions, kStalled);
  if (!before || before->status != "True" || before->reason != kInvalidSpec ||
      before->message != message) {
    event(EventType::kWarning, kInvalidSpec, message);
  }
  st().message = message;
  setCondition(kReady, "False", kInvalidSpec, message);
  setCondition(kReconciling, "False", kInvalidSpec, "");
  setCondition(kStalled, "True", kInvalidSpec, message);
}

Decision decide(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                const Observations& observations, Timestamp now) {
  return Decider(spec, status, observations, now).run();
}

std::optional<Timestamp> nextAnalysisAt(const api::ModelDeploymentSpec& spec,
                                        const api::ModelDeploymentStatus& status) {
  if (spec.analysis.metrics.empty() || status.canary_revision.empty()) return std::nullopt;
  if (status.phase != Phase::kProgressing && status.phase != Phase::kPaused) return std::nullopt;
  if (!status.step_started_at) return std::nullopt;
  Timestamp from = *status.step_started_at;
  if (status.last_analysis_at) from = std::max(from, *status.last_analysis_at);
  return from + spec.analysis.interval;
}

bool analysisDue(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                 Timestamp now) {
  const auto next = nextAnalysisAt(spec, status);
  return next && now >= *next;
}

}  // namespace aviary::rollout
