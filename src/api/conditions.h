#pragma once

#include <string_view>
#include <vector>

#include "api/status.h"

// metav1.Condition list semantics (CONVENTIONS.md), shared by every writer of status.conditions.
namespace aviary::api {

// The condition of `type`, or nullptr.
const Condition* findCondition(const std::vector<Condition>& conditions, std::string_view type);

// Puts `next` in place of the condition of its type, or appends it when the type is new.
// lastTransitionTime moves only when the status flips: when the status is unchanged, the time
// already recorded is kept and `next.last_transition_time` is ignored.
void setCondition(std::vector<Condition>& conditions, Condition next);

}  // namespace aviary::api
