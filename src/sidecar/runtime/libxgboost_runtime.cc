#include "sidecar/runtime/libxgboost_runtime.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace aviary::sidecar {
namespace {

// strict_shape=false: {rows} for single-output models, {rows, k} for multi-output ones.
constexpr const char* kInplaceValueConfig =
    R"({"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";
constexpr const char* kInplaceMarginConfig =
    R"({"type":1,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN,"cache_id":0})";

Error xgboostError(std::string_view what) {
  return Error{ErrorCode::kInternal, fmt::format("xgboost {}: {}", what, XGBGetLastError())};
}

Prediction copyOut(const bst_ulong* shape, bst_ulong dim, const float* result) {
  Prediction prediction;
  std::size_t count = 1;
  for (bst_ulong i = 0; i < dim; ++i) {
    prediction.shape.push_back(static_cast<int64_t>(shape[i]));
    count *= shape[i];
  }
  prediction.values.assign(result, result + count);
  return prediction;
}

}  // namespace

LibXGBoostRuntime::~LibXGBoostRuntime() {
  if (booster_ != nullptr) XGBoosterFree(booster_);
}

Status LibXGBoostRuntime::load(std::span<const std::byte> artifact) {
  if (booster_ != nullptr)
    return fail(ErrorCode::kFailedPrecondition, "xgboost model already loaded");
  if (artifact.empty()) return fail(ErrorCode::kInvalidArgument, "xgboost model artifact is empty");
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0) return fail(xgboostError("create booster"));
  booster_ = booster;
  if (XGBoosterLoadModelFromBuffer(booster, artifact.data(), artifact.size()) != 0) {
    return fail(xgboostError("load model"));
  }
  if (XGBoosterSetParam(booster, "nthread", "1") != 0) return fail(xgboostError("set nthread"));

  bst_ulong num_features = 0;
  if (XGBoosterGetNumFeature(booster, &num_features) != 0) {
    return fail(xgboostError("read feature count"));
  }
  if (num_features == 0) return fail(ErrorCode::kInvalidArgument, "xgboost model has no features");
  metadata_.runtime = "xgboost";
  metadata_.num_features = num_features;

  bst_ulong name_count = 0;
  const char** names = nullptr;
  if (XGBoosterGetStrFeatureInfo(booster, "feature_name", &name_count, &names) != 0) {
    return fail(xgboostError("read feature names"));
  }
  for (bst_ulong i = 0; i < name_count; ++i) metadata_.feature_names.emplace_back(names[i]);
  if (!metadata_.feature_names.empty() && metadata_.feature_names.size() != num_features) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("xgboost model names {} features but has {}",
                            metadata_.feature_names.size(), num_features));
  }

  bst_ulong config_length = 0;
  const char* config = nullptr;
  if (XGBoosterSaveJsonConfig(booster, &config_length, &config) != 0) {
    return fail(xgboostError("read config"));
  }
  const auto parsed = nlohmann::json::parse(config, config + config_length, nullptr, false);
  if (!parsed.is_discarded()) {
    const auto pointer = nlohmann::json::json_pointer("/learner/objective/name");
    if (parsed.contains(pointer) && parsed[pointer].is_string()) {
      metadata_.objective = parsed[pointer].get<std::string>();
    }
  }

  // One all-missing row tells the output width (class count) from what the model returns.
  const std::vector<float> probe(num_features, std::numeric_limits<float>::quiet_NaN());
  AVIARY_ASSIGN_OR_RETURN(Prediction first, predictSmall(probe, 1, PredictKind::kValue));
  metadata_.outputs_per_row = first.values.size();
  return {};
}

Result<Prediction> LibXGBoostRuntime::predict(std::span<const float> rows, std::size_t num_rows,
                                              PredictKind kind) const {
  if (booster_ == nullptr) return fail(ErrorCode::kFailedPrecondition, "xgboost model not loaded");
  if (num_rows == 0) return fail(ErrorCode::kInvalidArgument, "no rows to predict");
  if (rows.size() != num_rows * metadata_.num_features) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("{} values do not make {} rows of {} features", rows.size(), num_rows,
                            metadata_.num_features));
  }
  if (num_rows >= kInplaceMinRows) return predictInplace(rows, num_rows, kind);
  return predictSmall(rows, num_rows, kind);
}

Result<Prediction> LibXGBoostRuntime::predictSmall(std::span<const float> rows,
                                                   std::size_t num_rows, PredictKind kind) const {
  DMatrixHandle matrix = nullptr;
  if (XGDMatrixCreateFromMat_omp(rows.data(), num_rows, metadata_.num_features,
                                 std::numeric_limits<float>::quiet_NaN(), &matrix, 1) != 0) {
    return fail(xgboostError("create matrix"));
  }
  // The legacy XGBoosterPredict rather than XGBoosterPredictFromDMatrix: the same
  // Learner::Predict with the same thread-local prediction cache and output buffer (so as safe
  // for concurrent calls), minus parsing a JSON config on every call, about a third of the
  // instructions of a one-row prediction (bench/README.md). With ntree_limit 0 it reads no
  // booster config either.
  bst_ulong length = 0;
  const float* result = nullptr;
  const int rc = XGBoosterPredict(booster_, matrix, kind == PredictKind::kMargin ? 1 : 0,
                                  /*ntree_limit=*/0, /*training=*/0, &length, &result);
  if (rc != 0) {
    Error error = xgboostError("predict");
    XGDMatrixFree(matrix);
    return fail(std::move(error));
  }
  // Flat output: {rows} for single-output models, {rows, k} for multi-output ones (what
  // strict_shape=false gives on the other path).
  Prediction prediction;
  prediction.values.assign(result, result + length);
  prediction.shape.push_back(static_cast<int64_t>(num_rows));
  if (length != num_rows) prediction.shape.push_back(static_cast<int64_t>(length / num_rows));
  XGDMatrixFree(matrix);
  return prediction;
}

Result<Prediction> LibXGBoostRuntime::predictInplace(std::span<const float> rows,
                                                     std::size_t num_rows, PredictKind kind) const {
  // __array_interface__ pointing at the caller's buffer: XGBoost reads it in place.
  const std::string array = fmt::format(
      R"({{"data":[{},true],"shape":[{},{}],"strides":null,"typestr":"<f4","version":3}})",
      reinterpret_cast<std::uintptr_t>(rows.data()), num_rows, metadata_.num_features);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDense(
          booster_, array.c_str(),
          kind == PredictKind::kMargin ? kInplaceMarginConfig : kInplaceValueConfig, nullptr,
          &shape, &dim, &result) != 0) {
    return fail(xgboostError("predict"));
  }
  return copyOut(shape, dim, result);
}

}  // namespace aviary::sidecar
