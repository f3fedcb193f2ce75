#include "sidecar/runtime/factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sidecar/runtime/lightgbm/lightgbm_runtime.h"
#include "sidecar/runtime/xgboost_runtime.h"

namespace aviary::sidecar {

std::vector<std::string_view> knownRuntimes() { return {"xgboost", "lightgbm"}; }

Result<ModelRuntime::Ptr> makeRuntime(std::string_view name) {
  if (name == "xgboost") return std::make_shared<XGBoostRuntime>();
  if (name == "lightgbm") return std::make_shared<LightGBMRuntime>();
  return fail(ErrorCode::kInvalidArgument, fmt::format("unknown runtime '{}'; known: {}", name,
                                                       fmt::join(knownRuntimes(), ", ")));
}

}  // namespace aviary::sidecar
