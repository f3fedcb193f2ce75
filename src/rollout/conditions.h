#pragma once

#include <string>
#include <vector>

#include "api/status.h"

namespace aviary::rollout {

// Condition types (CONVENTIONS.md, "Status that generic tools understand").
inline constexpr const char* kReady = "Ready";
inline constexpr const char* kReconciling = "Reconciling";
inline constexpr const char* kStalled = "Stalled";
inline constexpr const char* kAnalysisNoData = "AnalysisNoData";
inline constexpr const char* kMetricsUnavailable = "MetricsUnavailable";
inline constexpr const char* kStableUnavailable = "StableUnavailable";

// The condition of `type`, or nullptr.
const api::Condition* findCondition(const std::vector<api::Condition>& conditions,
                                    const std::string& type);

}  // namespace aviary::rollout
