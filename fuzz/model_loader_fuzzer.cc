// libFuzzer target: the model-file loader (XGBoost runtime) on any bytes; a model that loads must
// then predict a row without crashing.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sidecar/runtime/xgboost_runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aviary::sidecar;
  XGBoostRuntime runtime;
  if (!runtime.load(std::as_bytes(std::span<const uint8_t>(data, size)))) return 0;
  const std::size_t features = runtime.metadata().num_features;
  if (features > 100000) return 0;
  const std::vector<float> row(features, 0.5f);
  (void)runtime.predict(row, 1, PredictKind::kValue);
  return 0;
}
