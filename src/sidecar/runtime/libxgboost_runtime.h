#pragma once

#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

// ModelRuntime over the XGBoost C API (Debian's libxgboost 1.7). Reads JSON, UBJSON and the legacy
// binary format, but predicts wrong for models saved by xgboost 2.x and 3.x, so it is not the
// served `xgboost` runtime (xgboost_runtime.h is): the tests and the bench keep it as the
// reference for models saved by 1.7. Small batches go through a DMatrix and the legacy
// XGBoosterPredict (the fewest instructions per one-row call of the C API's paths), larger ones
// through in-place prediction, which reads the caller's rows without copying them (slightly fewer
// instructions per row); see bench/README.md for the measurements. Each prediction uses one thread:
// concurrency comes from the server's workers.
class LibXGBoostRuntime final : public ModelRuntime {
 public:
  // Batches of at least this many rows use in-place prediction.
  static constexpr std::size_t kInplaceMinRows = 64;

  LibXGBoostRuntime() = default;
  ~LibXGBoostRuntime() override;
  LibXGBoostRuntime(const LibXGBoostRuntime&) = delete;
  LibXGBoostRuntime& operator=(const LibXGBoostRuntime&) = delete;

  Status load(std::span<const std::byte> artifact) override;
  const ModelMetadata& metadata() const override { return metadata_; }
  Result<Prediction> predict(std::span<const float> rows, std::size_t num_rows,
                             PredictKind kind) const override;

 private:
  Result<Prediction> predictSmall(std::span<const float> rows, std::size_t num_rows,
                                  PredictKind kind) const;
  Result<Prediction> predictInplace(std::span<const float> rows, std::size_t num_rows,
                                    PredictKind kind) const;

  void* booster_ = nullptr;  // BoosterHandle
  ModelMetadata metadata_;
};

}  // namespace aviary::sidecar
