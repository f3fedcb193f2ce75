// Initializing, Succeeded and Failed: the phases where no canary takes traffic.
#include "api/conditions.h"
#include "rollout/decider.h"

namespace aviary::rollout {

using api::Phase;

// No stable yet: the first revision becomes stable directly, without a canary.
void Decider::initializing() {
  if (adoptRunningStable()) return;
  st().phase = Phase::kInitializing;
  rejectAll("no rollout runs before the first revision is deployed");
  // The deadline counts from the first write of a template (a changed spec restarts it).
  if (!st().rollout_started_at || !obs_.stable.runs(desired())) st().rollout_started_at = now_;
  ensure(Role::kStable, desired(), replicas());
  setWeight(0);
  if (obs_.stable.runs(desired()) && obs_.stable.healthy()) {
    st().stable_revision = desired();
    history(desired(), api::Outcome::kPromoted, "InitialDeploy");
    clearRollout();
    st().phase = Phase::kSucceeded;
    event(EventType::kNormal, "Deployed", "revision " + shortRev(desired()) + " is stable");
    return;
  }
  const auto deadline = std::chrono::seconds(spec_.progress_deadline_seconds);
  const auto waited = now_ - *st().rollout_started_at;
  const std::string waiting = "deploying " + shortRev(desired()) + ": " + readiness(obs_.stable);
  if (waited > deadline) {
    const std::string message = waiting + " after " + seconds(deadline);
    if (const auto* before = api::findCondition(prev_.conditions, kStalled);
        !before || before->status != "True" || before->reason != kProgressDeadlineExceeded) {
      event(EventType::kWarning, kProgressDeadlineExceeded, message);
    }
    stalled(kProgressDeadlineExceeded, message);
  } else {
    inProgress("Progressing", waiting);
  }
  requeue(kReadinessPoll);
}

// A status without stableRevision (restored without status, edited by hand) while a stable
// Deployment of another revision serves: that revision is the stable one, and the desired one,
// untested, rolls out beside it as a canary instead of replacing it in place.
bool Decider::adoptRunningStable() {
  if (!obs_.stable.serving() || obs_.stable.revision.empty() || obs_.stable.revision == desired()) {
    return false;
  }
  rejectAll("the status had no stable revision");
  st().stable_revision = obs_.stable.revision;
  clearRollout();
  st().phase = Phase::kSucceeded;
  event(EventType::kNormal, "StableAdopted",
        "the status named no stable revision; adopting " + shortRev(st().stable_revision) +
            ", which the stable Deployment serves");
  settled();
  return true;
}

// Succeeded or Failed: nothing runs until the spec names a new revision (or a retry).
void Decider::settled() {
  if (desired() == st().stable_revision) {
    if (st().phase == Phase::kFailed) {
      event(EventType::kNormal, kRevertedToStable,
            "spec is back at stable " + shortRev(desired()) + "; dropping failed " +
                shortRev(st().canary_revision));
    }
    rejectAll("no rollout runs");
    st().phase = Phase::kSucceeded;
    clearRollout();
    keepStable();
    return;
  }
  if (st().phase == Phase::kFailed && desired() == st().canary_revision) {
    if (requests_.retry) {
      requests_.retry = false;
      rejectAll("the retry restarts the rollout");
      event(EventType::kNormal, "Retry", "retrying " + shortRev(desired()) + " from step 1");
      startRollout(false);
      return;
    }
    rejectAll("the rollout of " + shortRev(desired()) + " failed; retry or change the spec");
    keepStable();
    stalledFromHistory();
    return;
  }
  rejectAll("a new revision starts a rollout");
  event(EventType::kNormal, "RolloutStarted",
        "rolling out " + shortRev(desired()) + " beside stable " + shortRev(st().stable_revision));
  startRollout(false);
}

// Stable serves everything; a leftover canary is scaled down.
void Decider::keepStable() {
  st().canary_weight = 0;
  ensure(Role::kStable, st().stable_revision, replicas());
  setWeight(0);
  if (obs_.canary.exists && obs_.canary.replicas > 0) {
    ensure(Role::kCanary, obs_.canary.revision, 0);
  }
  requeueUntilStableReady();
}

void Decider::stalledFromHistory() {
  std::string reason = kRolledBack;
  std::string why = kFailedChecks;
  const auto& h = st().history;
  if (!h.empty() && h.back().revision == st().canary_revision) {
    why = h.back().reason;
    if (h.back().outcome == api::Outcome::kAborted) {
      reason = kAborted;
    } else if (why == kProgressDeadlineExceeded) {
      reason = kProgressDeadlineExceeded;
    }
  }
  if (why == kFailedChecks) {
    // Name the gates that failed, so the condition alone tells a person (and kstatus tooling)
    // which metric rolled the revision back.
    std::vector<std::string> failed;
    for (const api::MetricResult& result : st().analysis) {
      if (result.result == api::CheckResult::kFail) failed.push_back(result.name);
    }
    if (!failed.empty()) why += ": " + join(failed, ", ");
  }
  stalled(reason, "rolled back " + shortRev(st().canary_revision) + " (" + why +
                      "); change the spec or retry");
}

void Decider::requeueUntilStableReady() {
  if (!(obs_.stable.runs(st().stable_revision) && obs_.stable.healthy())) {
    requeue(kReadinessPoll);
  }
}

}  // namespace aviary::rollout
