#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rollout/decide.h"

// Internal to src/rollout: the state behind one decide() call. The class is split by job, one
// file per group of members below; decide.cc dispatches on the phase.
namespace aviary::rollout {

// Reasons shared by conditions, history and events.
inline constexpr const char* kFailedChecks = "FailedChecks";
inline constexpr const char* kProgressDeadlineExceeded = "ProgressDeadlineExceeded";
inline constexpr const char* kAborted = "Aborted";
inline constexpr const char* kRevertedToStable = "RevertedToStable";

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

  // actions.cc: the writes, events, requeues and bookkeeping every phase shares.
  void ensure(Role role, const std::string& revision, std::int32_t n);
  bool setWeight(std::int32_t w);
  void setMirror(bool enabled);
  bool weightConfirmed(std::int32_t w) const;
  void event(EventType type, std::string reason, std::string message);
  void requeue(Duration d);
  void reject(const char* request, const std::string& why);
  void rejectAll(const std::string& why);
  void history(const std::string& revision, api::Outcome outcome, std::string reason);
  void inProgress(std::string reason, std::string message);
  void stalled(std::string reason, std::string message);

  // decide.cc
  void invalidSpec();

  // settle.cc: Initializing, Succeeded, Failed.
  void initializing();
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
  void waitForCanary(bool skip_step);
  std::string waitingForCanary() const;
  void hold();
  // While the user's pause holds: keeps everything where it is, phase Paused; true if so.
  bool holdWhilePausedByUser();
  void ensureRoles();
  const api::Step* currentStep() const;
  void awaitStep(const api::Step* step);
  bool ownConditionHolds(const api::Step* step) const;
  bool gateOpen() const;
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
  std::optional<ConditionWant> reconciling_;
  std::optional<ConditionWant> stalled_;
  std::optional<std::string> stable_unavailable_;
  std::optional<std::int32_t> last_weight_;
  std::optional<bool> last_mirror_;
};

}  // namespace aviary::rollout
