#pragma once

#include <optional>
#include <vector>

#include "sidecar/runtime/model_runtime.h"
#include "sidecar/runtime/xgboost/objective.h"
#include "sidecar/runtime/xgboost/tree_ensemble.h"

namespace aviary::sidecar {

// The `xgboost` runtime: evaluates XGBoost tree models itself, from the JSON or UBJSON file saved
// by xgboost 1.x, 2.x or 3.x (gbtree and dart, numerical and categorical splits, one or more
// outputs), and predicts what xgboost's own predict() returns, bit for bit (the corpus test
// tests/sidecar/runtime/xgboost_corpus_test.cc shows it for 1.7, 2.1 and 3.2). A model it cannot
// evaluate exactly (legacy binary format, gblinear, vector-leaf trees, an objective whose output
// transform it does not know) is refused at load() with the reason. Each prediction runs on the
// calling thread: concurrency comes from the server's workers.
class XGBoostRuntime final : public ModelRuntime {
 public:
  Status load(std::span<const std::byte> artifact) override;
  const ModelMetadata& metadata() const override { return metadata_; }
  Result<Prediction> predict(std::span<const float> rows, std::size_t num_rows,
                             PredictKind kind) const override;

 private:
  ModelMetadata metadata_;
  xgboost::Objective objective_;
  std::vector<float> intercept_margins_;  // one per output
  std::optional<xgboost::TreeEnsemble> ensemble_;
};

}  // namespace aviary::sidecar
