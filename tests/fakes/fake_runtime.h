#pragma once

#include <atomic>
#include <numeric>

#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar::testing {

// A runtime whose prediction for a row is the sum of its features (its margin: the sum minus
// 1), so expected answers are easy to write. Counts its predict calls.
class FakeRuntime final : public ModelRuntime {
 public:
  explicit FakeRuntime(std::size_t num_features, std::vector<std::string> names = {}) {
    metadata_.runtime = "fake";
    metadata_.num_features = num_features;
    metadata_.feature_names = std::move(names);
    metadata_.objective = "reg:squarederror";
  }

  Status load(std::span<const std::byte>) override { return {}; }
  const ModelMetadata& metadata() const override { return metadata_; }

  Result<Prediction> predict(std::span<const float> rows, std::size_t num_rows,
                             PredictKind kind) const override {
    ++calls;
    if (rows.size() != num_rows * metadata_.num_features) {
      return fail(ErrorCode::kInvalidArgument, "bad row count");
    }
    Prediction prediction;
    prediction.shape = {static_cast<int64_t>(num_rows)};
    for (std::size_t r = 0; r < num_rows; ++r) {
      const auto row = rows.subspan(r * metadata_.num_features, metadata_.num_features);
      const float sum = std::accumulate(row.begin(), row.end(), 0.0f);
      prediction.values.push_back(kind == PredictKind::kMargin ? sum - 1 : sum);
    }
    return prediction;
  }

  mutable std::atomic<int> calls{0};

 private:
  ModelMetadata metadata_;
};

}  // namespace aviary::sidecar::testing
