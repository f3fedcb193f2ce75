// Promoting: the canary's revision becomes the stable one, without a moment of no service.
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

void Decider::startPromotion(const std::string& why) {
  event(EventType::kNormal, "Promoting",
        "promoting " + shortRev(st().canary_revision) + " to stable: " + why);
  st().phase = Phase::kPromoting;
  st().paused_by_user = false;
  resetClocks();
  endShadow();
  promotingBody();
}

void Decider::promoting() {
  if (supersede()) return;
  if (requests_.abort) {
    requests_.abort = false;
    rejectAll("the rollout is aborted");
    startRollback(api::Outcome::kAborted, kAborted, "aborted by request during promotion");
    return;
  }
  requests_.promote = api::PromoteRequest::kNone;  // already promoting
  rejectAll("the promotion is under way");
  promotingBody();
}

// Stable takes the canary's revision under the current weight, then traffic returns to it, then
// (scaleDownDelay later, with a mesh) the canary scales down. A stable that does not become ready
// within the progress deadline rolls the promotion back.
void Decider::promotingBody() {
  const std::string canary = st().canary_revision;
  const bool stable_done =
      obs_.stable.runs(canary) && obs_.stable.healthy() && obs_.stable.replicas >= replicas();
  if (!stable_done && holdPastDeadline()) {
    startRollback(api::Outcome::kRolledBack, kPromotionStuck,
                  "stable did not become ready at " + shortRev(canary) + " within " +
                      seconds(deadline()) + " (" + readiness(obs_.stable) + ")");
    return;
  }
  ensure(Role::kStable, canary, replicas());
  if (stable_done) {
    const bool moved = setWeight(0) && routedToStable();
    if (moved && scaleDownDue()) {
      ensure(Role::kCanary, canary, 0);
      st().stable_revision = canary;
      history(canary, api::Outcome::kPromoted, "Promoted");
      clearRollout();
      st().phase = Phase::kSucceeded;
      event(EventType::kNormal, "Promoted", "revision " + shortRev(canary) + " is stable");
      return;
    }
    // The canary keeps its pods while traffic may still reach it (a mesh only: with the replicas
    // provider traffic has left once the stable carries it, and the canary is already done).
    ensure(Role::kCanary, canary, canaryKept());
    inProgress("Promoting", moved ? "traffic on stable " + shortRev(canary) +
                                        "; canary scales down after " +
                                        formatDuration(spec_.strategy.scale_down_delay)
                                  : "moving traffic to stable, now " + shortRev(canary));
    requeue(kReadinessPoll);
    return;
  }
  if (!obs_.stable.serving() && obs_.canary.serving()) {
    // Never leave traffic on a dead stable: the canary runs the same revision.
    setWeight(100);
    stable_unavailable_ = "stable is not serving during promotion (" + readiness(obs_.stable) +
                          "); all traffic to canary " + shortRev(canary);
  } else {
    setWeight(st().canary_weight);
  }
  ensure(Role::kCanary, canary,
         meshProvider() ? canaryKept() : canaryReplicas(spec_, st().canary_weight));
  inProgress("Promoting", "stable taking " + shortRev(canary) + ": " + readiness(obs_.stable));
  requeue(kReadinessPoll);
}

}  // namespace aviary::rollout
