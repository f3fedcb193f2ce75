// Progressing and Paused: step advancement, the manual requests that steer it, and the analysis
// gate every step passes.
#include <algorithm>

#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

void Decider::running() {
  if (supersede()) return;
  // Phase invariants a hand-edited status may lack: a missing clock starts now.
  if (!st().rollout_started_at) st().rollout_started_at = now_;
  if (!st().step_started_at) st().step_started_at = now_;
  if (requests_.retry) reject("retry", "only a failed rollout can be retried");
  if (requests_.abort) {
    requests_.abort = false;
    rejectAll("the rollout is aborted");
    startRollback(api::Outcome::kAborted, kAborted, "aborted by request");
    return;
  }
  if (requests_.promote == api::PromoteRequest::kFull) {
    requests_.promote = api::PromoteRequest::kNone;
    rejectAll("a full promotion was requested");
    startPromotion("full promotion requested");
    return;
  }
  takePauseRequest();
  const bool skip_step = requests_.promote == api::PromoteRequest::kStep;
  trackCanaryReadiness();
  if (st().shadowing) {
    shadowStage(skip_step);
    return;
  }
  if (canaryExpected() && !canaryReady()) {
    waitForCanary(skip_step);
    return;
  }
  if (recordAnalysis()) return;
  if (skip_step) st().paused_by_user = false;  // promoting a paused rollout resumes it
  if (holdWhilePausedByUser()) return;
  advanceSteps(skip_step);
}

void Decider::takePauseRequest() {
  if (!requests_.paused) return;
  if (*requests_.paused) {
    if (st().paused_by_user) {
      reject("pause", "the rollout is already paused");
    } else {
      st().paused_by_user = true;
      event(EventType::kNormal, "Paused", "paused by request");
    }
  } else if (!st().paused_by_user) {
    reject("resume", "the rollout is not paused by request");
  } else {
    st().paused_by_user = false;
    st().step_started_at = now_;  // the pause timer of the current step restarts
    event(EventType::kNormal, "Resumed", "resumed by request");
  }
  requests_.paused.reset();
}

bool Decider::canaryExpected() const { return meshProvider() || out_.status.canary_weight > 0; }

bool Decider::canaryReady() const {
  return obs_.canary.runs(out_.status.canary_revision) && obs_.canary.healthy();
}

// canaryUnreadySince: set at the first observation of an expected canary that is not healthy,
// cleared when it is (or when it is not expected to run).
void Decider::trackCanaryReadiness() {
  if (canaryExpected() && !canaryReady()) {
    if (!st().canary_unready_since) st().canary_unready_since = now_;
  } else {
    st().canary_unready_since.reset();
  }
}

// One step per decision at most: its weight is asked for once, the next step's if it completes.
void Decider::advanceSteps(bool skip_step) {
  const auto steps = static_cast<std::int32_t>(spec_.strategy.steps.size());
  const api::Step* step = currentStep();
  std::int32_t weight = stepWeight(step);
  const std::int32_t weight_before = st().canary_weight;
  if (skip_step || (ownConditionHolds(step) && gateOpen())) {
    if (st().current_step + 1 >= steps) {
      startPromotion(skip_step ? "promoted by request" : "all steps passed");
      return;
    }
    st().current_step += 1;
    st().step_started_at = now_;
    step = currentStep();
    if (step->set_weight || meshMatchesWeight()) weight = stepWeight(step);
    askWeight(weight);
    event(EventType::kNormal, "StepAdvanced", where());
  }
  askWeight(weight);
  // A setWeight step begins when its weight holds in the world, not when it is asked for: until
  // then its clock restarts, so neither a pause nor a round can count traffic at the old weight.
  // Nor does a step whose weight askWeight() holds back, nor a pause whose weight moves now (a
  // weight held back when a promote skipped its step).
  if ((step && step->set_weight && !weightConfirmed(*step->set_weight)) || held_for_scale_ ||
      (step && step->pause && st().canary_weight != weight_before)) {
    st().step_started_at = now_;
  }
  ensureRoles();
  awaitStep(step);
}

// A setWeight step's own weight. A pause step keeps the weight asked for, except that a mesh under
// matchTrafficWeight holds the last setWeight step's at or before it: a promote that skips a step
// whose weight askWeight() was still holding back leaves that weight to the pause after it, as it
// would have been asked for at once under canaryScale full.
std::int32_t Decider::stepWeight(const api::Step* step) const {
  if (step && step->set_weight) return *step->set_weight;
  if (step && meshMatchesWeight()) {
    for (auto k = static_cast<std::size_t>(std::max(0, out_.status.current_step)) + 1; k-- > 0;) {
      const auto& earlier = spec_.strategy.steps[k];
      if (earlier.set_weight) return *earlier.set_weight;
    }
  }
  return out_.status.canary_weight;
}

// Phase, Reconciling reason, holds and requeues while `step` runs.
void Decider::awaitStep(const api::Step* step) {
  st().phase = Phase::kProgressing;
  if (held_for_scale_) {
    inProgress("Progressing", where() + "; scaling canary to " +
                                  std::to_string(canaryReplicas(spec_, *held_for_scale_)) +
                                  " pods (" + readiness(obs_.canary) + ") before " +
                                  std::to_string(*held_for_scale_) + "%");
  } else if (step && step->pause && !step->pause->duration) {
    st().phase = Phase::kPaused;
    inProgress("AwaitingPromotion", "awaiting promotion at " + where());
  } else if (ownConditionHolds(step) && !spec_.analysis.metrics.empty()) {
    inProgress("Analysing", where());
  } else {
    inProgress("Progressing", where());
  }
  if (step && step->pause && step->pause->duration) {
    requeueAt(*st().step_started_at + *step->pause->duration);
  }
  if (step && step->set_weight && !weightConfirmed(*step->set_weight)) requeue(kReadinessPoll);
  if (held_for_scale_) requeue(kReadinessPoll);
  if (ownConditionHolds(step)) watchAnalysisHold();
  requeueForAnalysis();
}

// The progress deadline counts from canaryUnreadySince: only time the canary spends not ready
// counts, so a pause, an indefinite pause or the shadow stage consumes none of it.
void Decider::waitForCanary(bool skip_step) {
  const std::string& canary = st().canary_revision;
  const Timestamp since = st().canary_unready_since.value_or(now_);
  if (now_ - since > deadline()) {
    startRollback(api::Outcome::kRolledBack, kProgressDeadlineExceeded,
                  "canary " + shortRev(canary) + " not ready for " + seconds(deadline()) + " (" +
                      readiness(obs_.canary) + ")");
    return;
  }
  if (skip_step) reject("promote", "canary " + shortRev(canary) + " is not ready");
  // At weight 0 the canary takes no traffic yet: the step has not begun, so its timers and
  // analysis windows start only once the canary is ready. Past step 0 a canary that falls over
  // is held, and the analysis keeps counting (it sees the errors).
  const bool not_started = st().canary_weight == 0;
  const api::Step* step = currentStep();
  const bool unconfirmed = step && step->set_weight && !weightConfirmed(*step->set_weight);
  if (not_started || unconfirmed) st().step_started_at = now_;
  if (!not_started && recordAnalysis()) return;
  hold();
  const bool indefinite = step && step->pause && !step->pause->duration && !st().shadowing;
  st().phase = st().paused_by_user || indefinite ? Phase::kPaused : Phase::kProgressing;
  inProgress(st().paused_by_user ? "Paused" : "Progressing", waitingForCanary());
  requeue(kReadinessPoll);
  requeueAt(since + deadline() + std::chrono::seconds(1));
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
  ensure(Role::kStable, st().stable_revision, stableTarget(st().canary_weight));
  ensure(Role::kCanary, st().canary_revision, canaryTarget());
}

// The canary's pods under steps and in the shadow stage. Shadow: R (a mirror of all traffic).
// Replicas provider and canaryScale full: canaryReplicas of the weight asked for. A mesh under
// matchTrafficWeight: its share of the higher of the weight asked for and the current step's
// (stepWeight: the weight it is about to get, which askWeight() holds until the canary carries it),
// and no fewer pods than it runs until the router reports the weight asked for (a lower weight
// scales it down only once the router applies it).
std::int32_t Decider::canaryTarget() const {
  if (meshProvider() && out_.status.shadowing) return shadowCanaryReplicas(spec_);
  const std::int32_t asked = out_.status.canary_weight;
  if (!meshMatchesWeight()) return canaryReplicas(spec_, asked);
  const std::int32_t next = std::max(asked, stepWeight(currentStep()));
  std::int32_t n = canaryReplicas(spec_, next);
  if (obs_.observed_weight != asked) n = std::max(n, canaryRunning());
  return std::min(n, replicas());
}

std::int32_t Decider::canaryKept() const {
  if (!canaryScalesWithWeight(spec_)) return replicas();
  const std::int32_t weight =
      std::max({prev_.canary_weight, out_.status.canary_weight, obs_.observed_weight.value_or(0)});
  return std::min(replicas(), std::max(canaryRunning(), canaryReplicas(spec_, weight)));
}

std::int32_t Decider::canaryRunning() const {
  return obs_.canary.runs(out_.status.canary_revision) ? obs_.canary.replicas : 0;
}

// Mesh: all replicas. Replicas provider: the stable gives up pods for weight `w` only once the
// canary runs its share of them, all ready; until then it keeps what it runs (never more than
// spec.replicas, never fewer than its share), so capacity never dips while canary pods start.
std::int32_t Decider::stableTarget(std::int32_t w) const {
  const std::int32_t target = stableReplicas(spec_, w);
  if (meshProvider() || canaryAt(canaryReplicas(spec_, w))) return target;
  const std::int32_t running =
      obs_.stable.runs(out_.status.stable_revision) ? obs_.stable.replicas : 0;
  return std::max(target, std::min(running, replicas()));
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
  if (stepWeight(step) > out_.status.canary_weight) return false;  // held back by askWeight()
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
         round_.verdict == Verdict::kPass;
}

void Decider::watchAnalysisHold() {
  const auto& s = out_.status;
  if (spec_.analysis.metrics.empty() || !s.last_analysis_at || !s.step_started_at ||
      *s.last_analysis_at <= *s.step_started_at) {
    return;
  }
  if (round_.verdict != Verdict::kNoData && round_.verdict != Verdict::kError) return;
  if (!holdPastDeadline()) return;
  const bool no_data = round_.verdict == Verdict::kNoData;
  const std::string what = no_data ? "no data for " + join(round_.no_data, ", ")
                                   : "provider could not answer for " + join(round_.errors, ", ");
  stallHold(no_data ? kAnalysisNoData : kMetricsUnavailable,
            "analysis held at " + where() + " for more than " + seconds(deadline()) + ": " + what);
}

// Records this round (once: a replay with the same `now` is ignored). True if it rolled back.
bool Decider::recordAnalysis() {
  if (!obs_.analysis) return false;
  if (st().last_analysis_at && now_ <= *st().last_analysis_at) return false;
  st().analysis = *obs_.analysis;
  st().last_analysis_at = now_;
  round_ = judgeRound(spec_.analysis, st().analysis);
  if (round_.verdict != Verdict::kFail) return false;
  st().failed_checks += 1;
  const std::string message = "failed check " + std::to_string(st().failed_checks) + "/" +
                              std::to_string(spec_.analysis.failure_limit) + ": " +
                              join(round_.failed, ", ");
  event(EventType::kWarning, "AnalysisFailed", message);
  if (st().failed_checks >= spec_.analysis.failure_limit) {
    startRollback(api::Outcome::kRolledBack, kFailedChecks, message);
    return true;
  }
  return false;
}

// The next round; one that is due but was not run is retried at the next readiness poll.
void Decider::requeueForAnalysis() {
  const auto next = nextAnalysisAt(spec_, out_.status);
  if (!next) return;
  if (*next > now_) {
    requeueAt(*next);
  } else {
    requeue(kReadinessPoll);
  }
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
