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
  endShadow();  // before the canary scales down
  rollingBackBody();
}

void Decider::rollingBack() {
  requests_.abort = false;  // already rolling back
  rejectAll("a rollback is under way");
  rollingBackBody();
}

// Traffic returns to stable first; the canary scales down only once stable carries it.
void Decider::rollingBackBody() {
  const std::string& stable = st().stable_revision;
  ensure(Role::kStable, stable, replicas());
  const bool moved = setWeight(0) && weightConfirmed(0);
  const bool carried =
      obs_.stable.runs(stable) && (meshProvider() ? obs_.stable.serving() : obs_.stable.healthy());
  if (moved && carried) {
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
    const std::int32_t failed_checks = st().failed_checks;
    clearRollout();
    st().canary_revision = failed;       // kept: the same revision is not rolled out again
    st().failed_checks = failed_checks;  // kept for people until the next rollout
    st().phase = Phase::kFailed;
    stalledFromHistory();
    return;
  }
  ensure(Role::kCanary, st().canary_revision, canaryReplicas(spec_, st().canary_weight));
  inProgress("RollingBack",
             "returning traffic to stable " + shortRev(stable) + ": " + readiness(obs_.stable));
  requeue(kReadinessPoll);
}

}  // namespace aviary::rollout
