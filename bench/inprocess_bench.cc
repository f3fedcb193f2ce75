// The in-process limit: the sidecar's runtime called directly, one thread, no HTTP or JSON.
// usage: aviary-inprocess-bench MODEL_FILE  -> one JSON line with µs per call at batch 1 and 256.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "sidecar/loader/artifact_fetcher.h"
#include "sidecar/runtime/factory.h"

namespace {

using aviary::sidecar::ModelRuntime;
using aviary::sidecar::PredictKind;

double microsPerCall(const ModelRuntime& runtime, std::size_t batch, int calls) {
  std::mt19937 engine(1);
  std::normal_distribution<float> normal;
  std::vector<float> rows(batch * runtime.metadata().num_features);
  for (float& v : rows) v = normal(engine);
  for (int i = 0; i < calls / 10 + 1; ++i) (void)runtime.predict(rows, batch, PredictKind::kValue);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    auto result = runtime.predict(rows, batch, PredictKind::kValue);
    if (!result) std::abort();
  }
  const std::chrono::duration<double, std::micro> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count() / calls;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL_FILE\n", argv[0]);
    return 2;
  }
  auto bytes = aviary::sidecar::fetchArtifact(argv[1], {});
  auto runtime = aviary::sidecar::makeRuntime("xgboost");
  if (!bytes || !runtime || !(*runtime)->load(std::as_bytes(std::span<const char>(*bytes)))) {
    std::fprintf(stderr, "cannot load %s\n", argv[1]);
    return 1;
  }
  const double b1 = microsPerCall(**runtime, 1, 20000);
  const double b256 = microsPerCall(**runtime, 256, 400);
  std::printf("%s\n",
              fmt::format(R"({{"batch1_us":{:.2f},"batch256_us":{:.2f}}})", b1, b256).c_str());
  return 0;
}
