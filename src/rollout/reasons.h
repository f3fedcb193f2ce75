#pragma once

// Every condition type and reason decide() writes, in one place (CONVENTIONS.md, "Status that
// generic tools understand"). Reasons also name history entries and events.
namespace aviary::rollout {

// Condition types. Ready, Reconciling and Stalled are always written; the detail conditions
// appear when True and turn False after.
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kReconciling = "Reconciling";
inline constexpr const char* kStalled = "Stalled";
inline constexpr const char* kAnalysisNoData = "AnalysisNoData";
inline constexpr const char* kMetricsUnavailable = "MetricsUnavailable";
inline constexpr const char* kStableUnavailable = "StableUnavailable";

// Why a canary was rolled back (history, events, the Stalled=True of Failed).
inline constexpr const char* kFailedChecks = "FailedChecks";
inline constexpr const char* kProgressDeadlineExceeded = "ProgressDeadlineExceeded";
inline constexpr const char* kAborted = "Aborted";
inline constexpr const char* kRevertedToStable = "RevertedToStable";
inline constexpr const char* kPromotionStuck = "PromotionStuck";  // stable never became ready

// Stalled=True reasons besides the rollback reasons above: a spec validate() refuses, a Failed
// rollout whose reason was not one of those, and holds past progressDeadlineSeconds (the phase
// does not change; kAnalysisNoData and kMetricsUnavailable name the analysis holds).
inline constexpr const char* kInvalidSpec = "InvalidSpec";
inline constexpr const char* kRolledBack = "RolledBack";
inline constexpr const char* kRollbackStuck = "RollbackStuck";  // stable never served again

}  // namespace aviary::rollout
