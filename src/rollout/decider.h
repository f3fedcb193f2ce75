#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rollout/analysis.h"
#include "rollout/decide.h"
#include "rollout/reasons.h"

// Internal to src/rollout: the state behind one decide() call. The class is split by job, one
// file per group of members below; decide.cc dispatches on the phase.
namespace aviary::rollout {

// Spellings shared by status messages and events (actions.cc).
std::string shortRev(const std::string& revision);
std::string join(const std::vector<std::string>& items, const char* separator);
std::string seconds(Duration d);
std::string readiness(const RoleObservation& role);

// A condition a phase asks for; finish() writes it (conditions.cc).
struct ConditionWant {
  std::string reason;
  std::string message;
};

class Decider {
 public:
  Decider(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
          const Observations& obs, Timestamp now);

  Decision run();  // decide.cc

 private:
  api::ModelDeploymentStatus& st() { return out_.status; }
  const std::string& desired() const { return obs_.desired_revision; }
  std::int32_t replicas() const { return spec_.replicas; }
  bool meshProvider() const { return spec_.traffic.provider != api::TrafficProvider::kReplicas; }
  // A mesh whose canary runs its share of the weight (spec.strategy.canaryScale).
  bool meshMatchesWeight() const { return meshProvider() && canaryScalesWithWeight(spec_); }
  Duration deadline() const { return std::chrono::seconds(spec_.progress_deadline_seconds); }

  // actions.cc: the writes, events, requeues and bookkeeping every phase shares.
  void ensure(Role role, const std::string& revision, std::int32_t n);
  bool setWeight(std::int32_t w);
  // setWeight(w), unless w raises the canary's weight beyond what it carries (canaryCarries):
  // then the current weight stays and the caller's ensureRoles() scales the canary up first.
  // True if w was asked for. Only a mesh with canaryScale matchTrafficWeight ever holds.
  bool askWeight(std::int32_t w);
  // The canary Deployment runs at least canaryReplicas(w) pods of status.canaryRevision, all ready.
  bool canaryCarries(std::int32_t w) const;
  void setMirror(bool enabled);
  // The weight `w` holds in the world: the router reports it (mesh), or the canary runs
  // canaryReplicas(w) pods all ready and the stable runs stableReplicas(w) (replicas provider).
  bool weightConfirmed(std::int32_t w) const;
  // The canary Deployment runs exactly `n` pods of status.canaryRevision, all ready (n = 0: none).
  bool canaryAt(std::int32_t n) const;
  // Mesh: the router reports weight 0. Replicas: nothing to wait for, the pod counts are the
  // weight and the caller has checked that the stable carries the load.
  bool routedToStable() const;
  // Weight 0 confirmed: records when traffic left the canary; true once scaleDownDelay has passed
  // (at once for the replicas provider), else asks for a requeue then.
  bool scaleDownDue();
  void event(EventType type, std::string reason, std::string message);
  void requeue(Duration d);     // d > 0; the earliest request wins
  void requeueAt(Timestamp t);  // nothing if t has passed
  void reject(const char* request, const std::string& why);
  void rejectAll(const std::string& why);
  void history(const std::string& revision, api::Outcome outcome, std::string reason);
  void inProgress(std::string reason, std::string message);
  void stalled(std::string reason, std::string message);
  // Starts (or continues) the hold clock, status.holdingSince; true once it has run past the
  // progress deadline, else asks for a requeue then. A decision that does not call it ends the
  // hold.
  bool holdPastDeadline();
  // A fresh phase: its holds and drains start from nothing.
  void resetClocks();
  // Stalled=True for a hold past the deadline, with a Warning event when it begins.
  void stallHold(const char* reason, const std::string& message);

  // decide.cc
  void invalidSpec();

  // settle.cc: Initializing, Succeeded, Failed.
  void initializing();
  bool adoptRunningStable();
  void settled();
  void keepStable();
  void stalledFromHistory();
  void requeueUntilStableReady();

  // start.cc: a canary begins at step 0, or a new revision supersedes it.
  void clearRollout();
  void startRollout(bool keep_user_pause);
  bool supersede();

  // steps.cc: Progressing and Paused, the manual requests they take, and the analysis gate.
  void running();
  void takePauseRequest();
  // Whether the canary should be running pods now: always with a mesh; with the replicas
  // provider only at weight > 0 (its pods take traffic as soon as they are ready).
  bool canaryExpected() const;
  bool canaryReady() const;
  void trackCanaryReadiness();
  void waitForCanary(bool skip_step);
  std::string waitingForCanary() const;
  void hold();
  // While the user's pause holds: keeps everything where it is, phase Paused; true if so.
  bool holdWhilePausedByUser();
  void ensureRoles();
  std::int32_t stableTarget(std::int32_t w) const;
  std::int32_t canaryTarget() const;
  std::int32_t stepWeight(const api::Step* step) const;
  // Mesh: the canary's pods while traffic may still reach it (promotion, rollback, a superseded
  // canary): R under canaryScale full; under matchTrafficWeight what it runs, and never fewer
  // than its share of the highest weight asked for or reported, so that draining it neither
  // scales it up to R nor down before it is scaled to zero.
  std::int32_t canaryKept() const;
  // Pods of status.canaryRevision the canary Deployment asks for (0 if it runs another revision).
  std::int32_t canaryRunning() const;
  const api::Step* currentStep() const;
  void advanceSteps(bool skip_step);
  void awaitStep(const api::Step* step);
  bool ownConditionHolds(const api::Step* step) const;
  bool gateOpen() const;
  // The step's own condition holds and only a NoData or Error round of this step keeps the gate
  // closed: the hold clock runs and, past the deadline, Stalled=True.
  void watchAnalysisHold();
  bool recordAnalysis();
  void requeueForAnalysis();
  std::string where() const;

  // shadow.cc: the shadow stage before step 0, and every way out of it.
  void shadowStage(bool skip_step);
  void completeShadowStage(bool skipped);
  bool shadowElapsed() const;
  void endShadow();

  // promotion.cc
  void startPromotion(const std::string& why);
  void promoting();
  void promotingBody();

  // rollback.cc
  void startRollback(api::Outcome outcome, std::string reason, const std::string& message);
  void rollingBack();
  void rollingBackBody();

  // conditions.cc: the kstatus conditions, written last from what the phase asked for.
  void setCondition(const std::string& type, const std::string& status, std::string reason,
                    std::string message);
  void setDetail(const std::string& type, const std::optional<std::string>& message,
                 const char* reason);
  void finish();

  const api::ModelDeploymentSpec& spec_;
  const api::ModelDeploymentStatus& prev_;
  const Observations& obs_;
  const Timestamp now_;
  api::ManualRequests requests_;
  Decision out_;
  // The verdict of status.analysis, judged once per decision (again only when a round is
  // recorded or the analysis is cleared).
  RoundVerdict round_;
  bool held_ = false;  // holdPastDeadline() was called in this decision
  std::optional<ConditionWant> reconciling_;
  std::optional<ConditionWant> stalled_;
  std::optional<std::string> stable_unavailable_;
  std::optional<std::int32_t> last_weight_;
  std::optional<std::int32_t> held_for_scale_;  // the weight askWeight() held in this decision
  std::optional<bool> last_mirror_;
};

}  // namespace aviary::rollout
