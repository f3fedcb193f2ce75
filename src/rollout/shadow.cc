// The shadow stage (spec.strategy.shadow): before step 0 the canary runs at weight 0 while the
// router mirrors traffic to it and discards its answers. The analysis gates the stage the way it
// gates a pause step of the stage's duration; the canary's own metrics (shadowAgreement, latency,
// errors) are what it reads, and failed checks count towards failureLimit as in any step.
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

// Progressing or Paused with status.shadowing, after the requests running() handles for every
// stage: abort and promote --full leave the stage through startRollback / startPromotion.
void Decider::shadowStage(bool skip_step) {
  if (!canaryReady()) {
    waitForCanary(skip_step);  // at weight 0: the stage's timer restarts, as a step's would
    return;
  }
  if (recordAnalysis()) return;
  if (skip_step) st().paused_by_user = false;  // promoting a paused rollout resumes it
  if (holdWhilePausedByUser()) return;
  if (skip_step || (shadowElapsed() && gateOpen())) {
    completeShadowStage(skip_step);
    return;
  }
  hold();
  st().phase = Phase::kProgressing;
  inProgress("Shadowing", where());
  if (spec_.strategy.shadow) requeueAt(*st().step_started_at + spec_.strategy.shadow->duration);
  if (shadowElapsed()) watchAnalysisHold();
  requeueForAnalysis();
}

// Mirroring stops before step 0 sends the canary real traffic.
void Decider::completeShadowStage(bool skipped) {
  endShadow();
  st().current_step = 0;
  st().step_started_at = now_;
  const api::Step* step = currentStep();
  askWeight(step && step->set_weight ? *step->set_weight : st().canary_weight);
  event(EventType::kNormal, "ShadowCompleted",
        std::string(skipped ? "shadow stage skipped by request" : "shadow stage passed") +
            "; now " + where());
  ensureRoles();
  awaitStep(step);
}

// The stage's own condition, like a pause step's. A shadow removed from the spec mid-stage leaves
// only the gate to wait for.
bool Decider::shadowElapsed() const {
  if (!spec_.strategy.shadow) return true;
  return now_ - *out_.status.step_started_at >= spec_.strategy.shadow->duration;
}

// Leaves the stage (or makes sure a mirror the router still reports is off).
void Decider::endShadow() {
  if (prev_.shadowing || st().shadowing || obs_.observed_mirror == true) setMirror(false);
  st().shadowing = false;
}

}  // namespace aviary::rollout
