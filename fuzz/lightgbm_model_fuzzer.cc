// libFuzzer target: the LightGBM text model reader and evaluator on any bytes, in this process
// (the reader bounds every size by the text it reads, so it needs no probe). A model that loads
// must then predict rows of ordinary, missing, tiny, huge and negative values without crashing.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "sidecar/runtime/lightgbm/lightgbm_runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aviary::sidecar;
  LightGBMRuntime runtime;
  if (!runtime.load(std::as_bytes(std::span<const uint8_t>(data, size)))) return 0;
  const std::size_t features = runtime.metadata().num_features;
  if (features > 100000) return 0;
  const float values[] = {0.5f,  std::numeric_limits<float>::quiet_NaN(), 0.0f, 1e-36f, 3e9f, -0.5f,
                          40.0f, -std::numeric_limits<float>::infinity()};
  std::vector<float> rows;
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t f = 0; f < features; ++f) rows.push_back(values[(r * 3 + f) % 8]);
  }
  (void)runtime.predict(rows, 3, PredictKind::kValue);
  (void)runtime.predict(rows, 3, PredictKind::kMargin);
  return 0;
}
