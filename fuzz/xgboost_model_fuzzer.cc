// libFuzzer target: the native XGBoost model reader (JSON and UBJSON), the objective and the tree
// layout on any bytes, in this process (the loader fuzzer goes through the forked probe). A model
// that loads must predict rows of values, NaNs, extremes and category codes, one at a time and as
// a batch, with the shapes its metadata promises and the same answers either way.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <vector>

#include "sidecar/runtime/xgboost_runtime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aviary::sidecar;
  XGBoostRuntime runtime;
  if (!runtime.load(std::as_bytes(std::span<const uint8_t>(data, size)))) return 0;
  const ModelMetadata& metadata = runtime.metadata();
  const std::size_t features = metadata.num_features;
  if (features == 0 || metadata.outputs_per_row == 0) std::abort();
  if (features > 4096) return 0;
  const float kinds[] = {0.0f,  0.5f,  -1.0f,  3.0f,
                         33.0f, 1e30f, -1e30f, std::numeric_limits<float>::quiet_NaN()};
  constexpr std::size_t kRows = 9;
  std::vector<float> rows(kRows * features);
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = kinds[(i * 7 + i / features) % 8];
  for (const PredictKind kind : {PredictKind::kValue, PredictKind::kMargin}) {
    auto batch = runtime.predict(rows, kRows, kind);
    if (!batch || batch->values.size() % kRows != 0) std::abort();
    const std::size_t width = batch->values.size() / kRows;
    if (kind == PredictKind::kValue && width != metadata.outputs_per_row) std::abort();
    for (std::size_t r = 0; r < kRows; ++r) {
      auto one =
          runtime.predict(std::span<const float>(rows).subspan(r * features, features), 1, kind);
      if (!one || one->values.size() != width) std::abort();
      for (std::size_t k = 0; k < width; ++k) {
        const float a = one->values[k];
        const float b = batch->values[r * width + k];
        if (!(a == b || (std::isnan(a) && std::isnan(b)))) std::abort();
      }
    }
  }
  return 0;
}
