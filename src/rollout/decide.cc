#include "rollout/decide.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include "rollout/analysis.h"

namespace aviary::rollout {
namespace {

using api::Phase;

// Condition types (CONVENTIONS.md, "Status that generic tools understand").
constexpr const char* kReady = "Ready";
constexpr const char* kReconciling = "Reconciling";
constexpr const char* kStalled = "Stalled";
constexpr const char* kAnalysisNoData = "AnalysisNoData";
constexpr const char* kMetricsUnavailable = "MetricsUnavailable";
constexpr const char* kStableUnavailable = "StableUnavailable";

// Reasons shared by conditions, history and events.
constexpr const char* kFailedChecks = "FailedChecks";
constexpr const char* kProgressDeadlineExceeded = "ProgressDeadlineExceeded";
constexpr const char* kAborted = "Aborted";
constexpr const char* kRevertedToStable = "RevertedToStable";

std::string shortRev(const std::string& revision) { return revision.substr(0, 10); }

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

std::string readiness(const RoleObservation& role) {
  if (!role.exists) return "not created yet";
  return std::to_string(role.ready_replicas) + "/" + std::to_string(role.replicas) + " ready";
}

struct ConditionWant {
  std::string reason;
  std::string message;
};

class Decider {
 public:
  Decider(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
          const Observations& obs, Timestamp now)
      : spec_(spec), prev_(status), obs_(obs), now_(now), requests_(status.requests) {
    out_.status = status;
    st().observed_generation = obs.generation;
    st().requests = {};
  }

  Decision run() {
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
    finish();
    return std::move(out_);
  }

 private:
  api::ModelDeploymentStatus& st() { return out_.status; }
  const std::string& desired() const { return obs_.desired_revision; }
  std::int32_t replicas() const { return spec_.replicas; }
  bool meshProvider() const { return spec_.traffic.provider != api::TrafficProvider::kReplicas; }

  // ---- actions ----------------------------------------------------------------------------

  void ensure(Role role, const std::string& revision, std::int32_t n) {
    out_.actions.emplace_back(EnsureRevision{role, revision, n});
  }

  // Emits SetWeight unless it would move all traffic off a serving role onto one that does not
  // serve (Flagger #1898); then the weight stays where it is and StableUnavailable says why.
  bool setWeight(std::int32_t w) {
    if (last_weight_ == w) return true;  // already asked for in this decision
    const bool to_dead_stable = w == 0 && !obs_.stable.serving() && obs_.canary.serving();
    const bool to_dead_canary = w == 100 && !obs_.canary.serving() && obs_.stable.serving();
    if (to_dead_stable) {
      stable_unavailable_ = "stable " + shortRev(st().stable_revision) + " is not serving (" +
                            readiness(obs_.stable) + "); traffic stays at " +
                            std::to_string(st().canary_weight) + "% to the canary";
    }
    if (to_dead_stable || to_dead_canary) {
      requeue(kReadinessPoll);
      return false;
    }
    out_.actions.emplace_back(SetWeight{w});
    last_weight_ = w;
    st().canary_weight = w;
    return true;
  }

  bool weightConfirmed(std::int32_t w) const {
    return !meshProvider() || obs_.observed_weight == w;
  }

  void event(EventType type, std::string reason, std::string message) {
    out_.actions.emplace_back(EmitEvent{type, std::move(reason), std::move(message)});
  }

  void requeue(Duration d) {
    d = std::max(d, Duration{0});
    if (!out_.requeue_after || d < *out_.requeue_after) out_.requeue_after = d;
  }

  // Clears a request that does not apply now, with a Warning event saying why.
  void reject(const char* request, const std::string& why) {
    event(EventType::kWarning, "RequestIgnored", std::string(request) + " ignored: " + why);
  }
  void rejectAll(const std::string& why) {
    if (requests_.promote == api::PromoteRequest::kStep) reject("promote", why);
    if (requests_.promote == api::PromoteRequest::kFull) reject("promote --full", why);
    if (requests_.abort) reject("abort", why);
    if (requests_.retry) reject("retry", why);
    if (requests_.paused) reject(*requests_.paused ? "pause" : "resume", why);
    requests_ = {};
  }

  void history(const std::string& revision, api::Outcome outcome, std::string reason) {
    auto& h = st().history;
    h.push_back({revision, outcome, std::move(reason), now_});
    if (h.size() > api::kMaxHistory) h.erase(h.begin(), h.end() - api::kMaxHistory);
  }

  void inProgress(std::string reason, std::string message) {
    reconciling_ = ConditionWant{std::move(reason), std::move(message)};
  }
  void stalled(std::string reason, std::string message) {
    stalled_ = ConditionWant{std::move(reason), std::move(message)};
  }

  // ---- phases -----------------------------------------------------------------------------

  // spec_problems: touch nothing (what runs keeps serving), say so once, keep requests for later.
  void invalidSpec() {
    st().requests = requests_;
    const std::string message = "invalid spec: " + join(obs_.spec_problems, "; ");
    const auto* before = find(prev_.conditions, kStalled);
    if (!before || before->status != "True" || before->reason != "InvalidSpec" ||
        before->message != message) {
      event(EventType::kWarning, "InvalidSpec", message);
    }
    st().message = message;
    setCondition(kReady, "False", "InvalidSpec", message);
    setCondition(kReconciling, "False", "InvalidSpec", "");
    setCondition(kStalled, "True", "InvalidSpec", message);
  }

  // No stable yet: the first revision becomes stable directly, without a canary.
  void initializing() {
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
      if (const auto* before = find(prev_.conditions, kStalled);
          !before || before->status != "True" || before->reason != kProgressDeadlineExceeded) {
        event(EventType::kWarning, kProgressDeadlineExceeded, message);
      }
      stalled(kProgressDeadlineExceeded, message);
    } else {
      inProgress("Progressing", waiting);
    }
    requeue(kReadinessPoll);
  }

  // Succeeded or Failed: nothing runs until the spec names a new revision (or a retry).
  void settled() {
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
    event(
        EventType::kNormal, "RolloutStarted",
        "rolling out " + shortRev(desired()) + " beside stable " + shortRev(st().stable_revision));
    startRollout(false);
  }

  // Stable serves everything; a leftover canary is scaled down.
  void keepStable() {
    st().canary_weight = 0;
    ensure(Role::kStable, st().stable_revision, replicas());
    setWeight(0);
    if (obs_.canary.exists && obs_.canary.replicas > 0) {
      ensure(Role::kCanary, obs_.canary.revision, 0);
    }
    requeueUntilStableReady();
  }

  void stalledFromHistory() {
    std::string reason = "RolledBack";
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
    stalled(reason, "rolled back " + shortRev(st().canary_revision) + " (" + why +
                        "); change the spec or retry");
  }

  void clearRollout() {
    st().canary_revision.clear();
    st().current_step = 0;
    st().canary_weight = 0;
    st().failed_checks = 0;
    st().paused_by_user = false;
    st().rollout_started_at.reset();
    st().step_started_at.reset();
  }

  // A canary of desired() starts at step 0 (also when it supersedes a running canary).
  void startRollout(bool keep_user_pause) {
    const bool paused = keep_user_pause && st().paused_by_user;
    clearRollout();
    st().paused_by_user = paused;
    st().phase = paused ? Phase::kPaused : Phase::kProgressing;
    st().canary_revision = desired();
    st().analysis.clear();
    st().last_analysis_at.reset();
    st().rollout_started_at = now_;
    st().step_started_at = now_;
    ensure(Role::kStable, st().stable_revision, stableReplicas(spec_, 0));
    ensure(Role::kCanary, desired(), canaryReplicas(spec_, 0));
    setWeight(0);
    inProgress("Progressing", waitingForCanary());
    requeue(kReadinessPoll);
  }

  void startRollback(api::Outcome outcome, std::string reason, const std::string& message) {
    history(st().canary_revision, outcome, reason);
    event(EventType::kWarning, "RollingBack",
          "rolling back " + shortRev(st().canary_revision) + ": " + message);
    st().phase = Phase::kRollingBack;
    st().paused_by_user = false;
    rollingBackBody();
  }

  void startPromotion(const std::string& why) {
    event(EventType::kNormal, "Promoting",
          "promoting " + shortRev(st().canary_revision) + " to stable: " + why);
    st().phase = Phase::kPromoting;
    st().paused_by_user = false;
    promotingBody();
  }

  // A new desired revision while a canary runs (Progressing, Paused, Promoting).
  bool supersede() {
    if (desired() == st().canary_revision) return false;
    rejectAll("the spec changed; the rollout restarts");
    if (desired() == st().stable_revision) {
      startRollback(api::Outcome::kRolledBack, kRevertedToStable,
                    "spec is back at stable " + shortRev(desired()));
      return true;
    }
    event(EventType::kNormal, "RolloutRestarted",
          "revision " + shortRev(desired()) + " supersedes canary " +
              shortRev(st().canary_revision) + "; restarting at step 1");
    startRollout(true);
    return true;
  }

  // ---- Progressing / Paused -----------------------------------------------------------------

  void running() {
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

    const std::string& canary = st().canary_revision;
    if (!(obs_.canary.runs(canary) && obs_.canary.healthy())) {
      waitForCanary(skip_step);
      return;
    }
    if (recordAnalysis()) return;
    const auto steps = static_cast<std::int32_t>(spec_.strategy.steps.size());
    if (st().paused_by_user) {
      hold();
      st().phase = Phase::kPaused;
      inProgress("Paused", "paused by request at " + where());
      requeueForAnalysis();
      return;
    }

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

  void waitForCanary(bool skip_step) {
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

  std::string waitingForCanary() const {
    const std::string& canary = out_.status.canary_revision;
    return "waiting for canary " + shortRev(canary) + ": " +
           (obs_.canary.runs(canary) ? readiness(obs_.canary) : "not created yet");
  }

  void hold() {
    setWeight(st().canary_weight);
    ensureRoles();
  }

  void ensureRoles() {
    ensure(Role::kStable, st().stable_revision, stableReplicas(spec_, st().canary_weight));
    ensure(Role::kCanary, st().canary_revision, canaryReplicas(spec_, st().canary_weight));
  }

  const api::Step* currentStep() const {
    const auto& steps = spec_.strategy.steps;
    const auto k = static_cast<std::size_t>(std::max(0, out_.status.current_step));
    return k < steps.size() ? &steps[k] : nullptr;
  }

  // The step's own condition, without the analysis gate. No step (empty strategy, or steps
  // shortened mid-rollout): nothing to wait for but the gate.
  bool ownConditionHolds(const api::Step* step) const {
    if (!step) return true;
    if (step->set_weight) return weightConfirmed(*step->set_weight);
    if (step->pause && step->pause->duration) {
      return now_ - *out_.status.step_started_at >= *step->pause->duration;
    }
    return false;  // indefinite pause: only a promote ends it
  }

  // Every step is observed by at least one passing round taken at its weight.
  bool gateOpen() const {
    if (spec_.analysis.metrics.empty()) return true;
    const auto& s = out_.status;
    return s.last_analysis_at && s.step_started_at && *s.last_analysis_at >= *s.step_started_at &&
           judgeRound(spec_.analysis, s.analysis).verdict == Verdict::kPass;
  }

  // Records this round (once: a replay with the same `now` is ignored). True if it rolled back.
  bool recordAnalysis() {
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

  void requeueForAnalysis() {
    if (spec_.analysis.metrics.empty() || !st().step_started_at) return;
    Timestamp from = *st().step_started_at;
    if (st().last_analysis_at) from = std::max(from, *st().last_analysis_at);
    requeue(from + spec_.analysis.interval - now_);
  }

  std::string where() const {
    const auto& s = out_.status;
    const auto steps = spec_.strategy.steps.size();
    std::string text =
        steps == 0 ? std::string("no steps")
                   : "step " + std::to_string(s.current_step + 1) + "/" + std::to_string(steps);
    return text + ", " + std::to_string(s.canary_weight) + "% to " + shortRev(s.canary_revision);
  }

  // ---- Promoting ----------------------------------------------------------------------------

  void promoting() {
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

  // Stable takes the canary's revision under the current weight, then traffic returns to it.
  void promotingBody() {
    const std::string canary = st().canary_revision;
    ensure(Role::kStable, canary, replicas());
    const bool stable_done = obs_.stable.runs(canary) && obs_.stable.healthy();
    if (stable_done && setWeight(0) && weightConfirmed(0)) {
      ensure(Role::kCanary, canary, 0);
      st().stable_revision = canary;
      history(canary, api::Outcome::kPromoted, "Promoted");
      clearRollout();
      st().phase = Phase::kSucceeded;
      event(EventType::kNormal, "Promoted", "revision " + shortRev(canary) + " is stable");
      return;
    }
    if (!stable_done && !obs_.stable.serving() && obs_.canary.serving()) {
      // Never leave traffic on a dead stable: the canary runs the same revision.
      setWeight(100);
      stable_unavailable_ = "stable is not serving during promotion (" + readiness(obs_.stable) +
                            "); all traffic to canary " + shortRev(canary);
    } else if (!stable_done) {
      setWeight(st().canary_weight);
    }
    ensure(Role::kCanary, canary, canaryReplicas(spec_, st().canary_weight));
    inProgress("Promoting",
               stable_done ? "moving traffic to stable, now " + shortRev(canary)
                           : "stable taking " + shortRev(canary) + ": " + readiness(obs_.stable));
    requeue(kReadinessPoll);
  }

  // ---- RollingBack --------------------------------------------------------------------------

  void rollingBack() {
    requests_.abort = false;  // already rolling back
    rejectAll("a rollback is under way");
    rollingBackBody();
  }

  // Traffic returns to stable first; the canary scales down only once stable carries it.
  void rollingBackBody() {
    const std::string& stable = st().stable_revision;
    ensure(Role::kStable, stable, replicas());
    const bool moved = setWeight(0) && weightConfirmed(0);
    const bool carried = obs_.stable.runs(stable) &&
                         (meshProvider() ? obs_.stable.serving() : obs_.stable.healthy());
    if (moved && carried) {
      ensure(Role::kCanary, st().canary_revision, 0);
      event(EventType::kNormal, "RolledBack",
            "canary " + shortRev(st().canary_revision) + " scaled down; stable " +
                shortRev(stable) + " serves all traffic");
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

  void requeueUntilStableReady() {
    if (!(obs_.stable.runs(st().stable_revision) && obs_.stable.healthy())) {
      requeue(kReadinessPoll);
    }
  }

  // ---- conditions ---------------------------------------------------------------------------

  static const api::Condition* find(const std::vector<api::Condition>& conditions,
                                    const std::string& type) {
    for (const auto& c : conditions) {
      if (c.type == type) return &c;
    }
    return nullptr;
  }

  // last_transition_time moves only when `status` flips.
  void setCondition(const std::string& type, const std::string& status, std::string reason,
                    std::string message) {
    auto& conditions = st().conditions;
    auto it = std::find_if(conditions.begin(), conditions.end(),
                           [&](const api::Condition& c) { return c.type == type; });
    api::Condition c{type, status, std::move(reason), std::move(message), now_, obs_.generation};
    if (it == conditions.end()) {
      conditions.push_back(std::move(c));
      return;
    }
    if (it->status == status) c.last_transition_time = it->last_transition_time;
    *it = std::move(c);
  }

  // A detail condition is added when it becomes True and turned False (not removed) after.
  void setDetail(const std::string& type, const std::optional<std::string>& message,
                 const char* reason) {
    if (message) {
      setCondition(type, "True", reason, *message);
    } else if (find(st().conditions, type)) {
      setCondition(type, "False", "AsExpected", "");
    }
  }

  void finish() {
    auto& s = st();
    const bool ready = s.phase == Phase::kSucceeded && desired() == s.stable_revision &&
                       obs_.stable.runs(s.stable_revision) && obs_.stable.healthy();
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
      const RoundVerdict round = judgeRound(spec_.analysis, s.analysis);
      if (!round.no_data.empty()) {
        no_data = "no data for " + join(round.no_data, ", ") + "; holding (noData: hold)";
      }
      if (!round.errors.empty()) {
        unavailable = "provider could not answer for " + join(round.errors, ", ") + "; holding";
      }
    }
    setDetail(kAnalysisNoData, no_data, "NoData");
    setDetail(kMetricsUnavailable, unavailable, "ProviderError");
    setDetail(kStableUnavailable, stable_unavailable_, "StableNotServing");
  }

  const api::ModelDeploymentSpec& spec_;
  const api::ModelDeploymentStatus& prev_;
  const Observations& obs_;
  const Timestamp now_;
  api::ManualRequests requests_;
  Decision out_;
  std::optional<ConditionWant> reconciling_;
  std::optional<ConditionWant> stalled_;
  std::optional<std::string> stable_unavailable_;
  std::optional<std::int32_t> last_weight_;
};

}  // namespace

std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight) {
  const std::int32_t r = std::max(1, spec.replicas);
  if (spec.traffic.provider != api::TrafficProvider::kReplicas) return r;
  const std::int32_t w = std::clamp(weight, 0, 100);
  return std::clamp((r * w + 99) / 100, 1, r);
}

std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight) {
  const std::int32_t r = std::max(1, spec.replicas);
  if (spec.traffic.provider != api::TrafficProvider::kReplicas || weight <= 0) return r;
  return std::max(1, r - canaryReplicas(spec, weight));
}

Decision decide(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                const Observations& observations, Timestamp now) {
  return Decider(spec, status, observations, now).run();
}

bool analysisDue(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                 Timestamp now) {
  if (spec.analysis.metrics.empty() || status.canary_revision.empty()) return false;
  if (status.phase != Phase::kProgressing && status.phase != Phase::kPaused) return false;
  if (!status.step_started_at) return false;
  Timestamp from = *status.step_started_at;
  if (status.last_analysis_at) from = std::max(from, *status.last_analysis_at);
  return now - from >= spec.analysis.interval;
}

}  // namespace aviary::rollout
