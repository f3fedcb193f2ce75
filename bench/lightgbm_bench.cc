// The LightGBM runtime's in-process time: a model loaded through the factory, predict() called
// directly on one thread, no HTTP or JSON. bench/lightgbm.sh trains the model it reads.
// usage: aviary-lightgbm-bench MODEL_FILE -> one JSON line with µs per call at batch 1 and 256,
// wall clock and CPU time.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "sidecar/loader/artifact_fetcher.h"
#include "sidecar/runtime/factory.h"

namespace {

using aviary::sidecar::ModelRuntime;
using aviary::sidecar::PredictKind;

struct Micros {
  double wall = 0;
  double cpu = 0;  // this process's CPU time: what the calls cost when the machine is shared
};

Micros microsPerCall(const ModelRuntime& runtime, std::size_t batch, int calls) {
  std::mt19937 engine(1);
  std::normal_distribution<float> normal;
  std::vector<float> rows(batch * runtime.metadata().num_features);
  for (float& v : rows) v = normal(engine);
  for (int i = 0; i < calls / 10 + 1; ++i) (void)runtime.predict(rows, batch, PredictKind::kValue);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  for (int i = 0; i < calls; ++i) {
    if (!runtime.predict(rows, batch, PredictKind::kValue)) std::abort();
  }
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC * 1e6;
  const std::chrono::duration<double, std::micro> elapsed =
      std::chrono::steady_clock::now() - start;
  return {elapsed.count() / calls, cpu / calls};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODEL_FILE\n", argv[0]);
    return 2;
  }
  auto bytes = aviary::sidecar::fetchArtifact(argv[1], {});
  auto runtime = aviary::sidecar::makeRuntime("lightgbm");
  if (!bytes || !runtime) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  if (auto loaded = (*runtime)->load(std::as_bytes(std::span<const char>(*bytes))); !loaded) {
    std::fprintf(stderr, "cannot load %s: %s\n", argv[1], loaded.error().message.c_str());
    return 1;
  }
  const Micros b1 = microsPerCall(**runtime, 1, 200000);
  const Micros b256 = microsPerCall(**runtime, 256, 2000);
  std::printf("%s\n", fmt::format(R"({{"batch1_us":{:.2f},"batch256_us":{:.2f},)"
                                  R"("batch1_cpu_us":{:.2f},"batch256_cpu_us":{:.2f}}})",
                                  b1.wall, b256.wall, b1.cpu, b256.cpu)
                          .c_str());
  return 0;
}
