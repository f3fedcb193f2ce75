#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

// A new, not yet loaded runtime for `name` ("xgboost"); an unknown name is an InvalidArgument
// error that lists the known ones.
Result<ModelRuntime::Ptr> makeRuntime(std::string_view name);

std::vector<std::string_view> knownRuntimes();

}  // namespace aviary::sidecar
