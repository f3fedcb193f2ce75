// RollingBack: the canary stops taking traffic and scales down; the stable serves alone again.
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

void Decider::startRollback(api::Outcome outcome, std::string reason, const std::string& message) {
  history(st().canary_revision, outcome, reason);
  event(EventType::kWarning, "RollingBack",
        "rolling back " + shortRev(st().canary_revision) + ": " + message);
  st().phase = Phase::kRollingBack;
  st().paused_by_user = false;
  resetClocks();
  endShadow();  // before the canary scales down
  rollingBackBody();
}

void Decider::rollingBack() {
  requests_.abort = false;  // already rolling back
  rejectAll("a rollback is under way");
  rollingBackBody();
}

// Traffic returns to stable first; the canary scales down only once stable carries it (and, with
// a mesh, scaleDownDelay after the router moved it). A stable that never serves again keeps the
// traffic where it is and turns Stalled after the progress deadline.
void Decider::rollingBackBody() {
  const std::string& stable = st().stable_revision;
  ensure(Role::kStable, stable, replicas());
  const bool carried =
      obs_.stable.runs(stable) && (meshProvider() ? obs_.stable.serving() : obs_.stable.healthy());
  const bool moved = setWeight(0) && routedToStable() && carried;
  if (moved && scaleDownDue()) {
    ensure(Role::kCanary, st().canary_revision, 0);
    event(EventType::kNormal, "RolledBack",
          "canary " + shortRev(st().canary_revision) + " scaled down; stable " + shortRev(stable) +
              " serves all traffic");
    if (desired() == stable) {
      st().phase = Phase::kSucceeded;
      clearRollout();
      requeueUntilStableReady();
      return;
    }
    const std::string failed = st().canary_revision;
    if (desired() != failed) {
      // The spec moved on during the rollback: the new revision's rollout starts now, and no
      // Stalled=True is ever written for a generation that was never tried.
      event(EventType::kNormal, "RolloutStarted",
            "rolling out " + shortRev(desired()) + " beside stable " + shortRev(stable));
      startRollout(false);
      return;
    }
    const std::int32_t failed_checks = st().failed_checks;
    clearRollout();
    st().canary_revision = failed;       // kept: the same revision is not rolled out again
    st().failed_checks = failed_checks;  // kept for people until the next rollout
    st().phase = Phase::kFailed;
    stalledFromHistory();
    return;
  }
  // The canary keeps its pods while traffic may still reach it.
  ensure(Role::kCanary, st().canary_revision, meshProvider() ? canaryKept() : obs_.canary.replicas);
  if (moved) {
    inProgress("RollingBack", "traffic on stable " + shortRev(stable) +
                                  "; canary scales down after " +
                                  formatDuration(spec_.strategy.scale_down_delay));
  } else if (holdPastDeadline()) {
    stallHold(kRollbackStuck, "stable " + shortRev(stable) +
                                  " has not taken the traffic back for " + seconds(deadline()) +
                                  " (" + readiness(obs_.stable) + "); traffic stays at " +
                                  std::to_string(st().canary_weight) + "% to the canary");
  } else {
    inProgress("RollingBack",
               "returning traffic to stable " + shortRev(stable) + ": " + readiness(obs_.stable));
  }
  requeue(kReadinessPoll);
}

}  // namespace aviary::rollout
