#include "api/defaults.h"

namespace aviary::api {

std::vector<Step> defaultSteps() {
  using std::chrono::minutes;
  return {
      Step{.set_weight = 10, .pause = std::nullopt},
      Step{.set_weight = std::nullopt, .pause = PauseStep{minutes(1)}},
      Step{.set_weight = 50, .pause = std::nullopt},
      Step{.set_weight = std::nullopt, .pause = PauseStep{minutes(1)}},
  };
}

void applyDefaults(ModelDeploymentSpec& spec) {
  if (spec.strategy.steps.empty()) spec.strategy.steps = defaultSteps();
}

}  // namespace aviary::api
