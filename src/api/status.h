#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

// The observed state of a ModelDeployment, written only by the controller (status subresource),
// except `requests`, which kubectl-aviary and Argo CD actions patch to ask for manual steps.
namespace aviary::api {

enum class Phase {
  kInitializing,  // first revision, no stable yet
  kProgressing,   // canary running: the shadow stage, then steps advancing under analysis
  kPaused,        // at an indefinite pause step, or paused by a user
  kPromoting,     // stable is taking the canary's revision
  kSucceeded,     // the desired revision is stable and serves 100 %
  kRollingBack,   // traffic returning to stable, then the canary scales down
  kFailed,        // rolled back or aborted; waits for a new revision or a retry
};

enum class CheckResult { kPass, kFail, kNoData, kError };

// The latest value of one gate.
struct MetricResult {
  std::string name;
  std::optional<double> value;
  CheckResult result = CheckResult::kNoData;
  std::string message;  // why, for NoData and Error
  Timestamp at{};

  friend bool operator==(const MetricResult&, const MetricResult&) = default;
};

// metav1.Condition. `status` is "True", "False" or "Unknown".
struct Condition {
  std::string type;
  std::string status;
  std::string reason;
  std::string message;
  Timestamp last_transition_time{};
  std::int64_t observed_generation = 0;

  friend bool operator==(const Condition&, const Condition&) = default;
};

enum class Outcome { kPromoted, kRolledBack, kAborted };

struct HistoryEntry {
  std::string revision;
  Outcome outcome = Outcome::kPromoted;
  std::string reason;
  Timestamp at{};

  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

// Manual requests. Each is consumed (cleared) by the controller when it acts on it.
enum class PromoteRequest { kNone, kStep, kFull };
struct ManualRequests {
  PromoteRequest promote =
      PromoteRequest::kNone;   // kStep: finish the current step; kFull: skip all
  bool abort = false;          // roll back now
  bool retry = false;          // restart a failed rollout from step 0
  std::optional<bool> paused;  // true: hold where it is; false: resume

  friend bool operator==(const ManualRequests&, const ManualRequests&) = default;
};

// The retraining trigger's state (spec.monitoring.drift) about the stable revision `revision`;
// absent while that revision's drift is at or below the maximum. Kept in the status so that a
// restarted controller neither calls the webhook twice for one episode nor forgets a sustained
// period already under way.
struct DriftStatus {
  std::string revision;
  std::optional<Timestamp> above_since;  // first of the uninterrupted readings above max
  std::optional<Timestamp> detected_at;  // the episode began (drift above max for `for`)
  bool notified = false;                 // the webhook took the episode (2xx)

  friend bool operator==(const DriftStatus&, const DriftStatus&) = default;
};

inline constexpr std::size_t kMaxHistory = 10;

struct ModelDeploymentStatus {
  Phase phase = Phase::kInitializing;
  std::string message;
  std::int64_t observed_generation = 0;
  std::string stable_revision;
  std::string
      canary_revision;  // empty when no rollout runs; kept while Failed (the failed revision)
  std::int32_t current_step = 0;
  std::int32_t canary_weight = 0;
  std::int32_t failed_checks = 0;
  bool paused_by_user = false;
  // In the shadow stage (spec.strategy.shadow): before step 0 the canary runs at weight 0 and the
  // router mirrors traffic to it. The stage's timer is step_started_at.
  bool shadowing = false;
  std::optional<Timestamp> rollout_started_at;  // canary created (first revision: first template)
  std::optional<Timestamp>
      step_started_at;  // current step entered; pause durations count from here
  std::optional<Timestamp> last_analysis_at;
  // First observation of the canary not healthy (all desired pods ready), cleared when it is; the
  // progress deadline counts from here, so a pause or a long shadow stage does not consume it.
  std::optional<Timestamp> canary_unready_since;
  // When a hold began that only time can turn into Stalled: an analysis gate held by NoData or a
  // provider error, a promotion waiting on its stable, a rollback waiting on a dead stable.
  // Cleared when the hold ends.
  std::optional<Timestamp> holding_since;
  // When promotion or rollback saw traffic leave the canary (weight 0 confirmed); the canary
  // scales down spec.strategy.scaleDownDelay later.
  std::optional<Timestamp> traffic_left_canary_at;
  std::vector<MetricResult> analysis;
  std::vector<Condition> conditions;
  std::vector<HistoryEntry> history;  // newest last, at most kMaxHistory
  ManualRequests requests;
  std::optional<DriftStatus> drift;

  friend bool operator==(const ModelDeploymentStatus&, const ModelDeploymentStatus&) = default;
};

}  // namespace aviary::api
