#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar {

// What a loaded model tells about itself.
struct ModelMetadata {
  std::string runtime;  // "xgboost"
  std::size_t num_features = 0;
  std::vector<std::string> feature_names;  // empty when the model was trained without names
  std::string objective;                   // e.g. "binary:logistic"; informative only
  std::size_t outputs_per_row = 1;         // e.g. the class count of a multi:softprob model
};

enum class PredictKind {
  kValue,   // the model's prediction: a probability, a class score or a regression value
  kMargin,  // the untransformed sum of the trees (log-odds for binary:logistic)
};

// Predictions for a batch, row-major: `shape` is {rows} or {rows, outputs_per_row}.
struct Prediction {
  std::vector<float> values;
  std::vector<int64_t> shape;
};

// A model runtime: loads one model artifact, then predicts on batches of dense rows.
//
// Contract: load() is called once, before any other call; a runtime whose load() failed is
// discarded. After a successful load, metadata() and predict() may be called concurrently from
// any number of threads. predict() takes `rows` row-major with exactly
// metadata().num_features values per row (NaN marks a missing value) and does not keep the span.
class ModelRuntime {
 public:
  using Ptr = std::shared_ptr<ModelRuntime>;
  virtual ~ModelRuntime() = default;

  // Loads the model from the artifact's bytes (the format is detected from the content).
  virtual Status load(std::span<const std::byte> artifact) = 0;
  virtual const ModelMetadata& metadata() const = 0;
  virtual Result<Prediction> predict(std::span<const float> rows, std::size_t num_rows,
                                     PredictKind kind) const = 0;
};

}  // namespace aviary::sidecar
