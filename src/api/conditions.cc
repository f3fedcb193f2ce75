#include "api/conditions.h"

#include <algorithm>
#include <utility>

namespace aviary::api {

const Condition* findCondition(const std::vector<Condition>& conditions, std::string_view type) {
  for (const auto& condition : conditions) {
    if (condition.type == type) return &condition;
  }
  return nullptr;
}

void setCondition(std::vector<Condition>& conditions, Condition next) {
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const Condition& c) { return c.type == next.type; });
  if (it == conditions.end()) {
    conditions.push_back(std::move(next));
    return;
  }
  if (it->status == next.status) next.last_transition_time = it->last_transition_time;
  *it = std::move(next);
}

}  // namespace aviary::api
