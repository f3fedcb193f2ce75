#include "sidecar/runtime/xgboost_runtime.h"

#include <fmt/format.h>

#include "sidecar/runtime/xgboost/model_reader.h"

namespace aviary::sidecar {

Status XGBoostRuntime::load(std::span<const std::byte> artifact) {
  if (ensemble_) return fail(ErrorCode::kFailedPrecondition, "xgboost model already loaded");
  auto loaded = [&]() -> Status {
    AVIARY_ASSIGN_OR_RETURN(xgboost::Model model, xgboost::readModel(artifact));
    AVIARY_ASSIGN_OR_RETURN(objective_, xgboost::objectiveNamed(model.objective));
    AVIARY_ASSIGN_OR_RETURN(intercept_margins_,
                            xgboost::interceptMargins(objective_, model.base_score, model.version));
    AVIARY_ASSIGN_OR_RETURN(xgboost::TreeEnsemble ensemble, xgboost::TreeEnsemble::build(model));
    metadata_.runtime = "xgboost";
    metadata_.num_features = model.num_features;
    metadata_.feature_names = std::move(model.feature_names);
    metadata_.objective = std::move(model.objective);
    metadata_.outputs_per_row = xgboost::valueOutputs(objective_, model.num_outputs);
    ensemble_.emplace(std::move(ensemble));
    return {};
  }();
  if (!loaded) return fail(loaded.error().withContext("xgboost model"));
  return {};
}

Result<Prediction> XGBoostRuntime::predict(std::span<const float> rows, std::size_t num_rows,
                                           PredictKind kind) const {
  if (!ensemble_) return fail(ErrorCode::kFailedPrecondition, "xgboost model not loaded");
  if (num_rows == 0) return fail(ErrorCode::kInvalidArgument, "no rows to predict");
  if (rows.size() != num_rows * metadata_.num_features) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("{} values do not make {} rows of {} features", rows.size(), num_rows,
                            metadata_.num_features));
  }
  const std::size_t outputs = ensemble_->numOutputs();
  Prediction prediction;
  prediction.values.resize(num_rows * outputs);
  for (std::size_t r = 0; r < num_rows; ++r) {
    std::copy(intercept_margins_.begin(), intercept_margins_.end(),
              prediction.values.begin() + static_cast<std::ptrdiff_t>(r * outputs));
  }
  ensemble_->accumulate(rows.data(), num_rows, prediction.values.data());
  std::size_t width = outputs;
  if (kind == PredictKind::kValue) {
    width = xgboost::valueOutputs(objective_, outputs);
    if (objective_.transform == xgboost::OutputTransform::kArgmax) {
      std::vector<float> values(num_rows * width);
      xgboost::transform(objective_, prediction.values, outputs, values);
      prediction.values = std::move(values);
    } else {
      xgboost::transform(objective_, prediction.values, outputs, prediction.values);
    }
  }
  prediction.shape.push_back(static_cast<int64_t>(num_rows));
  if (width != 1) prediction.shape.push_back(static_cast<int64_t>(width));
  return prediction;
}

}  // namespace aviary::sidecar
