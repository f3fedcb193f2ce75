#pragma once

#include <memory>
#include <vector>

#include "sidecar/runtime/lightgbm/forest.h"
#include "sidecar/runtime/lightgbm/objective.h"
#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

// ModelRuntime for models saved as text by lightgbm 4.x (Booster.save_model), evaluated
// natively (lightgbm/forest.h): numerical and categorical splits with LightGBM's missing-value
// rules, every objective whose output transform lightgbm/objective.h knows, and average_output
// (boosting=rf). Anything else (linear trees, an unknown objective or key, a malformed file) fails
// load() with a message naming it.
//
// LightGBM sums the trees in double and returns doubles; predict() computes exactly that double
// and returns the nearest float32, so its answer is the float32 of lightgbm's own, bit for bit.
// Margins are LightGBM's raw scores: for an average_output model the sum, not the mean, as
// lightgbm's predict(raw_score=True) returns them.
class LightGBMRuntime final : public ModelRuntime {
 public:
  Status load(std::span<const std::byte> artifact) override;
  const ModelMetadata& metadata() const override { return metadata_; }
  Result<Prediction> predict(std::span<const float> rows, std::size_t num_rows,
                             PredictKind kind) const override;

  // What lightgbm's predict returns, in double: `out` gets num_rows x outputs_per_row values.
  Status predictDoubles(std::span<const float> rows, std::size_t num_rows, PredictKind kind,
                        std::vector<double>& out) const;

 private:
  std::unique_ptr<lightgbm::Forest> forest_;
  lightgbm::Objective objective_;
  bool average_output_ = false;
  double iterations_ = 1;
  ModelMetadata metadata_;
};

}  // namespace aviary::sidecar
