#include "sidecar/runtime/lightgbm/lightgbm_runtime.h"

#include <fmt/format.h>

#include <string_view>

#include "sidecar/runtime/lightgbm/text_model.h"

namespace aviary::sidecar {
namespace {

Error withPrefix(const Error& error) { return error.withContext("lightgbm model"); }

}  // namespace

Status LightGBMRuntime::load(std::span<const std::byte> artifact) {
  if (forest_) return fail(ErrorCode::kFailedPrecondition, "lightgbm model already loaded");
  if (artifact.empty()) {
    return fail(ErrorCode::kInvalidArgument, "lightgbm model artifact is empty");
  }
  const std::string_view text(reinterpret_cast<const char*>(artifact.data()), artifact.size());
  auto model = lightgbm::readTextModel(text);
  if (!model) return fail(withPrefix(model.error()));

  const int per_iteration = model->num_tree_per_iteration;
  if (model->has_objective) {
    auto objective = lightgbm::parseObjective(model->objective);
    if (!objective) return fail(withPrefix(objective.error()));
    objective_ = *objective;
    if (objective_.num_class != per_iteration) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("lightgbm model: objective {} transforms {} score(s) per row, but "
                              "the model has {} trees per iteration",
                              objective_.name, objective_.num_class, per_iteration));
    }
  } else {
    objective_ = lightgbm::noObjective(per_iteration);
  }
  average_output_ = model->average_output;
  iterations_ = static_cast<double>(model->numIterations());

  metadata_.runtime = "lightgbm";
  metadata_.num_features = model->numFeatures();
  metadata_.feature_names = model->feature_names;
  metadata_.objective = model->has_objective ? model->objective : "none";
  metadata_.outputs_per_row = static_cast<std::size_t>(per_iteration);
  forest_ = std::make_unique<lightgbm::Forest>(*model);
  return {};
}

Status LightGBMRuntime::predictDoubles(std::span<const float> rows, std::size_t num_rows,
                                       PredictKind kind, std::vector<double>& out) const {
  if (!forest_) return fail(ErrorCode::kFailedPrecondition, "lightgbm model not loaded");
  const std::size_t features = metadata_.num_features;
  if (num_rows > rows.size() || rows.size() != num_rows * features) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("expected {} rows of {} features ({} values), got {} values", num_rows,
                            features, num_rows * features, rows.size()));
  }
  const std::size_t width = metadata_.outputs_per_row;
  out.resize(num_rows * width);
  forest_->predictRaw(rows.data(), num_rows, out.data());
  if (kind == PredictKind::kMargin) return {};
  for (std::size_t r = 0; r < num_rows; ++r) {
    const std::span<double> scores(out.data() + r * width, width);
    if (average_output_) {
      for (double& score : scores) score /= iterations_;
    }
    lightgbm::convertOutput(objective_, scores);
  }
  return {};
}

Result<Prediction> LightGBMRuntime::predict(std::span<const float> rows, std::size_t num_rows,
                                            PredictKind kind) const {
  std::vector<double> scores;
  AVIARY_RETURN_IF_ERROR(predictDoubles(rows, num_rows, kind, scores));
  Prediction prediction;
  prediction.values.assign(scores.begin(), scores.end());  // nearest float32 of each double
  prediction.shape.push_back(static_cast<int64_t>(num_rows));
  if (metadata_.outputs_per_row > 1) {
    prediction.shape.push_back(static_cast<int64_t>(metadata_.outputs_per_row));
  }
  return prediction;
}

}  // namespace aviary::sidecar
