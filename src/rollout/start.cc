// A canary begins at step 0: after Succeeded or Failed, on a retry, or when a new revision
// supersedes the running canary.
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

void Decider::clearRollout() {
  st().canary_revision.clear();
  st().current_step = 0;
  st().canary_weight = 0;
  st().failed_checks = 0;
  st().paused_by_user = false;
  st().shadowing = false;
  st().rollout_started_at.reset();
  st().step_started_at.reset();
  st().canary_unready_since.reset();
  resetClocks();
}

// A canary of desired() starts at step 0 (also when it supersedes a running canary). With a mesh
// it starts at once, at weight 0; the replicas provider starts its pods with the first weight > 0,
// since they take traffic from the shared Service as soon as they are ready.
void Decider::startRollout(bool keep_user_pause) {
  const bool paused = keep_user_pause && st().paused_by_user;
  clearRollout();
  st().paused_by_user = paused;
  st().phase = paused ? Phase::kPaused : Phase::kProgressing;
  st().canary_revision = desired();
  st().analysis.clear();
  st().last_analysis_at.reset();
  round_ = RoundVerdict{};
  st().rollout_started_at = now_;
  st().step_started_at = now_;
  if (canaryExpected()) st().canary_unready_since = now_;  // the deadline counts from the start
  // The shadow stage mirrors from the start: mirrored answers reach no client, and its timer, like
  // a step's at weight 0, starts only once the canary is ready.
  st().shadowing = spec_.strategy.shadow.has_value();
  ensure(Role::kStable, st().stable_revision, stableReplicas(spec_, 0));
  ensure(Role::kCanary, desired(), canaryTarget());
  setWeight(0);
  if (st().shadowing) setMirror(true);
  inProgress("Progressing", waitingForCanary());
  requeue(kReadinessPoll);
}

// A new desired revision while a canary runs (Progressing, Paused, Promoting). Traffic leaves the
// old canary before its pods are replaced: weight 0 is asked for first, and the canary is
// re-templated once the router reports it (mesh) or once the canary runs no pods (replicas, whose
// stable first takes back all replicas).
bool Decider::supersede() {
  if (desired() == st().canary_revision) return false;
  rejectAll("the spec changed; the rollout restarts");
  if (desired() == st().stable_revision) {
    startRollback(api::Outcome::kRolledBack, kRevertedToStable,
                  "spec is back at stable " + shortRev(desired()));
    return true;
  }
  const std::string& old = st().canary_revision;
  const bool stable_carries = obs_.stable.runs(st().stable_revision) && obs_.stable.healthy() &&
                              obs_.stable.replicas >= replicas();
  const bool drained = meshProvider() ? weightConfirmed(0) : canaryAt(0);
  if (!drained) {
    ensure(Role::kStable, st().stable_revision, replicas());
    setWeight(0);
    std::int32_t keep = canaryKept();
    if (!meshProvider()) keep = stable_carries ? 0 : obs_.canary.replicas;
    ensure(Role::kCanary, old, keep);
    st().phase = st().paused_by_user ? Phase::kPaused : Phase::kProgressing;
    inProgress("Progressing", "revision " + shortRev(desired()) + " supersedes canary " +
                                  shortRev(old) + ": moving traffic back to stable first");
    requeue(kReadinessPoll);
    return true;
  }
  event(EventType::kNormal, "RolloutRestarted",
        "revision " + shortRev(desired()) + " supersedes canary " + shortRev(old) +
            "; restarting at step 1");
  startRollout(true);
  return true;
}

}  // namespace aviary::rollout
