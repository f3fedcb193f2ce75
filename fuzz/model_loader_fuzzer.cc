// libFuzzer target: the model-file loader on any bytes, through the same guarded path the sidecar
// uses (loadGuarded: a probe load in a memory- and time-limited child process, then the load in
// this process). A model that loads must then predict a row without crashing.
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sidecar/loader/guarded_load.h"

namespace {

aviary::sidecar::LoadLimits fuzzLimits() {
  aviary::sidecar::LoadLimits limits;
  // Below libFuzzer's -rss_limit_mb (run.sh: 4096), so what passes the probe fits this process.
  limits.memory_bytes = std::size_t{1} << 30;
  limits.timeout = std::chrono::seconds(8);
  limits.in_child = [] {
    // A probe dying of its memory limit is the expected outcome for a hostile model: keep
    // libFuzzer's death callback from saving it as a crash of the fuzzer, and its report quiet.
    __sanitizer_set_death_callback(nullptr);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
  };
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aviary::sidecar;
  static const LoadLimits limits = fuzzLimits();
  auto runtime =
      loadGuarded("xgboost", std::as_bytes(std::span<const uint8_t>(data, size)), limits);
  if (!runtime) return 0;
  const std::size_t features = (*runtime)->metadata().num_features;
  if (features > 100000) return 0;
  const std::vector<float> row(features, 0.5f);
  (void)(*runtime)->predict(row, 1, PredictKind::kValue);
  return 0;
}
