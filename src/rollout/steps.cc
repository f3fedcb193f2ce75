// Progressing and Paused: step advancement, the manual requests that steer it, and the analysis
// gate every step passes.
#include <algorithm>

#include "rollout/analysis.h"
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

void Decider::running() {
  if (supersede()) return;
  bool skip_step = false;
  if (requests_.retry) reject("retry", "only a failed rollout can be retried");
  if (requests_.abort) {
    requests_.abort = false;
    rejectAll("the rollout is aborted");
    startRollback(api::Outcome::kAborted, kAborted, "aborted by request");
    return;
  }
  if (requests_.promote == api::PromoteRequest::kFull) {
    startPromotion("full promotion requested");
    return;
  }
  if (requests_.paused) {
    if (*requests_.paused && !st().paused_by_user) {
      st().paused_by_user = true;
      event(EventType::kNormal, "Paused", "paused by request");
    } else if (!*requests_.paused && st().paused_by_user) {
      st().paused_by_user = false;
      st().step_started_at = now_;  // the pause timer of the current step restarts
      event(EventType::kNormal, "Resumed", "resumed by request");
    }
  }
  if (requests_.promote == api::PromoteRequest::kStep) {
    skip_step = true;
    st().paused_by_user = false;  // promoting a paused rollout resumes it
  }
  if (st().shadowing) {
    shadowStage(skip_step);
    return;
  }

  const std::string& canary = st().canary_revision;
  if (!(obs_.canary.runs(canary) && obs_.canary.healthy())) {
    waitForCanary(skip_step);
    return;
  }
  if (recordAnalysis()) return;
  const auto steps = static_cast<std::int32_t>(spec_.strategy.steps.size());
  if (holdWhilePausedByUser()) return;

  // Apply the current step's weight; the step begins when its weight is asked for.
  const api::Step* step = currentStep();
  if (step && step->set_weight && st().canary_weight != *step->set_weight) {
    if (setWeight(*step->set_weight)) st().step_started_at = now_;
  } else {
    setWeight(st().canary_weight);
  }

  if (skip_step || (ownConditionHolds(step) && gateOpen())) {
    if (st().current_step + 1 >= steps) {
      startPromotion(skip_step ? "promoted by request" : "all steps passed");
      return;
    }
    st().current_step += 1;
    st().step_started_at = now_;
    step = currentStep();
    if (step->set_weight) setWeight(*step->set_weight);
    event(EventType::kNormal, "StepAdvanced", where());
  }
  ensureRoles();
  awaitStep(step);
}

// Phase, Reconciling reason and requeues while `step` runs.
void Decider::awaitStep(const api::Step* step) {
  st().phase = Phase::kProgressing;
  if (step && step->pause && !step->pause->duration) {
    st().phase = Phase::kPaused;
    inProgress("AwaitingPromotion", "awaiting promotion at " + where());
  } else if (ownConditionHolds(step) && !spec_.analysis.metrics.empty()) {
    inProgress("Analysing", where());
  } else {
    inProgress("Progressing", where());
  }
  if (step && step->pause && step->pause->duration) {
    requeue(*st().step_started_at + *step->pause->duration - now_);
  }
  if (step && step->set_weight && !weightConfirmed(*step->set_weight)) requeue(kReadinessPoll);
  requeueForAnalysis();
}

void Decider::waitForCanary(bool skip_step) {
  const std::string& canary = st().canary_revision;
  // At weight 0 the canary takes no traffic yet: the step has not begun, so its timers and
  // analysis windows start only once the canary is ready. Past step 0 a canary that falls
  // over is held, and the analysis keeps counting (it sees the errors).
  const bool not_started = st().canary_weight == 0;
  if (not_started) st().step_started_at = now_;
  const Timestamp since = not_started ? *st().rollout_started_at : *st().step_started_at;
  const auto deadline = std::chrono::seconds(spec_.progress_deadline_seconds);
  if (now_ - since > deadline) {
    startRollback(api::Outcome::kRolledBack, kProgressDeadlineExceeded,
                  "canary " + shortRev(canary) + " not ready after " + seconds(deadline) + " (" +
                      readiness(obs_.canary) + ")");
    return;
  }
  if (skip_step) reject("promote", "canary " + shortRev(canary) + " is not ready");
  if (!not_started && recordAnalysis()) return;
  hold();
  st().phase = st().paused_by_user ? Phase::kPaused : Phase::kProgressing;
  inProgress(st().paused_by_user ? "Paused" : "Progressing", waitingForCanary());
  requeue(std::min<Duration>(kReadinessPoll, since + deadline - now_ + Duration{1}));
}

std::string Decider::waitingForCanary() const {
  const std::string& canary = out_.status.canary_revision;
  return "waiting for canary " + shortRev(canary) + ": " +
         (obs_.canary.runs(canary) ? readiness(obs_.canary) : "not created yet");
}

bool Decider::holdWhilePausedByUser() {
  if (!st().paused_by_user) return false;
  hold();
  st().phase = Phase::kPaused;
  inProgress("Paused", "paused by request at " + where());
  requeueForAnalysis();
  return true;
}

void Decider::hold() {
  setWeight(st().canary_weight);
  if (st().shadowing) setMirror(true);
  ensureRoles();
}

void Decider::ensureRoles() {
  ensure(Role::kStable, st().stable_revision, stableReplicas(spec_, st().canary_weight));
  ensure(Role::kCanary, st().canary_revision, canaryReplicas(spec_, st().canary_weight));
}

const api::Step* Decider::currentStep() const {
  const auto& steps = spec_.strategy.steps;
  const auto k = static_cast<std::size_t>(std::max(0, out_.status.current_step));
  return k < steps.size() ? &steps[k] : nullptr;
}

// The step's own condition, without the analysis gate. No step (empty strategy, or steps
// shortened mid-rollout): nothing to wait for but the gate.
bool Decider::ownConditionHolds(const api::Step* step) const {
  if (!step) return true;
  if (step->set_weight) return weightConfirmed(*step->set_weight);
  if (step->pause && step->pause->duration) {
    return now_ - *out_.status.step_started_at >= *step->pause->duration;
  }
  return false;  // indefinite pause: only a promote ends it
}

// Every step is observed by at least one passing round taken at its weight. A round taken at the
// instant the step began (the round that ended the previous step) looked at the previous weight.
bool Decider::gateOpen() const {
  if (spec_.analysis.metrics.empty()) return true;
  const auto& s = out_.status;
  return s.last_analysis_at && s.step_started_at && *s.last_analysis_at > *s.step_started_at &&
         judgeRound(spec_.analysis, s.analysis).verdict == Verdict::kPass;
}

// Records this round (once: a replay with the same `now` is ignored). True if it rolled back.
bool Decider::recordAnalysis() {
  if (!obs_.analysis) return false;
  if (st().last_analysis_at && now_ <= *st().last_analysis_at) return false;
  st().analysis = *obs_.analysis;
  st().last_analysis_at = now_;
  const RoundVerdict round = judgeRound(spec_.analysis, st().analysis);
  if (round.verdict != Verdict::kFail) return false;
  st().failed_checks += 1;
  const std::string message = "failed check " + std::to_string(st().failed_checks) + "/" +
                              std::to_string(spec_.analysis.failure_limit) + ": " +
                              join(round.failed, ", ");
  event(EventType::kWarning, "AnalysisFailed", message);
  if (st().failed_checks >= spec_.analysis.failure_limit) {
    startRollback(api::Outcome::kRolledBack, kFailedChecks, message);
    return true;
  }
  return false;
}

void Decider::requeueForAnalysis() {
  if (spec_.analysis.metrics.empty() || !st().step_started_at) return;
  Timestamp from = *st().step_started_at;
  if (st().last_analysis_at) from = std::max(from, *st().last_analysis_at);
  requeue(from + spec_.analysis.interval - now_);
}

std::string Decider::where() const {
  const auto& s = out_.status;
  if (s.shadowing) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
        std::max(Duration{0}, now_ - s.step_started_at.value_or(now_)));
    const std::string of =
        spec_.strategy.shadow ? "/" + formatDuration(spec_.strategy.shadow->duration) : "";
    return "shadow " + formatDuration(elapsed) + of + ", mirroring to " +
           shortRev(s.canary_revision);
  }
  const auto steps = spec_.strategy.steps.size();
  std::string text =
      steps == 0 ? std::string("no steps")
                 : "step " + std::to_string(s.current_step + 1) + "/" + std::to_string(steps);
  return text + ", " + std::to_string(s.canary_weight) + "% to " + shortRev(s.canary_revision);
}

}  // namespace aviary::rollout
