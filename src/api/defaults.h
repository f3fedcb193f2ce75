#pragma once

#include <vector>

#include "api/spec.h"

namespace aviary::api {

// The steps used when spec.strategy.steps is empty: a cautious canary that every revision passes
// through at 10 % and 50 % under analysis before promotion.
std::vector<Step> defaultSteps();

// Fills what the struct initialisers cannot: currently the default steps. Idempotent.
void applyDefaults(ModelDeploymentSpec& spec);

}  // namespace aviary::api
