// The in-process limit: the sidecar's runtime called directly, one thread, no HTTP or JSON; the
// same for libxgboost (LibXGBoostRuntime, one thread, its fastest path per batch size) on the same
// model, after checking both predict the same; and, given request bodies, the protocol work the
// sidecar adds in-process (parse the JSON request, assemble the batch, encode the response).
// usage: aviary-inprocess-bench MODEL_FILE [BODY_1 BODY_256]
//   -> one JSON line with µs per call at batch 1 and 256, the best of five alternated rounds
//      (batch1_us, batch256_us; libxgboost's lib_batch1_us, lib_batch256_us), and
//      protocol1_us, protocol256_us.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "sidecar/loader/artifact_fetcher.h"
#include "sidecar/protocol/batch.h"
#include "sidecar/protocol/infer_request.h"
#include "sidecar/protocol/infer_response.h"
#include "sidecar/runtime/factory.h"
#include "sidecar/runtime/libxgboost_runtime.h"

namespace {

using aviary::sidecar::ModelRuntime;
using aviary::sidecar::PredictKind;

std::vector<float> randomRows(std::size_t batch, std::size_t features) {
  std::mt19937 engine(1);
  std::normal_distribution<float> normal;
  std::vector<float> rows(batch * features);
  for (float& v : rows) v = normal(engine);
  return rows;
}

double microsPerCall(const ModelRuntime& runtime, std::size_t batch, int calls) {
  const std::vector<float> rows = randomRows(batch, runtime.metadata().num_features);
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

// Parse + assemble + encode of one request body, as the sidecar does around predict().
double protocolMicros(const std::string& body, std::size_t features, int calls) {
  using namespace aviary::sidecar;
  const FeatureLayout layout{features, {}};
  const auto once = [&] {
    auto request = parseInferRequest(body);
    if (!request) std::abort();
    auto batch = assembleBatch(*request, layout, "");
    if (!batch) std::abort();
    const std::vector<int64_t> shape = {static_cast<int64_t>(batch->num_rows)};
    const std::vector<float> values(batch->num_rows, 0.25f);
    const OutputTensor output{"predict", shape, values};
    if (encodeInferResponse("churn", "", request->id, {&output, 1}).body.empty()) std::abort();
  };
  for (int i = 0; i < calls / 10 + 1; ++i) once();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) once();
  const std::chrono::duration<double, std::micro> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count() / calls;
}

std::string readFile(const char* path) {
  auto bytes = aviary::sidecar::fetchArtifact(std::string("file://") + path, {});
  if (!bytes) {
    std::fprintf(stderr, "cannot read %s\n", path);
    std::exit(1);
  }
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL_FILE [BODY_1 BODY_256]\n", argv[0]);
    return 2;
  }
  auto bytes = aviary::sidecar::fetchArtifact(argv[1], {});
  auto runtime = aviary::sidecar::makeRuntime("xgboost");
  if (!bytes || !runtime || !(*runtime)->load(std::as_bytes(std::span<const char>(*bytes)))) {
    std::fprintf(stderr, "cannot load %s\n", argv[1]);
    return 1;
  }
  aviary::sidecar::LibXGBoostRuntime reference;
  if (!reference.load(std::as_bytes(std::span<const char>(*bytes)))) {
    std::fprintf(stderr, "libxgboost cannot load %s\n", argv[1]);
    return 1;
  }
  const auto rows = randomRows(256, (*runtime)->metadata().num_features);
  for (const PredictKind kind : {PredictKind::kValue, PredictKind::kMargin}) {
    auto native = (*runtime)->predict(rows, 256, kind);
    auto library = reference.predict(rows, 256, kind);
    if (!native || !library || native->values != library->values) {
      std::fprintf(stderr, "the native runtime and libxgboost disagree on %s\n", argv[1]);
      return 1;
    }
  }
  // Five rounds alternating the two, keeping each one's best: on a shared machine the drift
  // then falls on both alike and the best is the least disturbed.
  double b1 = 1e300, lib_b1 = 1e300, b256 = 1e300, lib_b256 = 1e300;
  for (int round = 0; round < 5; ++round) {
    b1 = std::min(b1, microsPerCall(**runtime, 1, 4000));
    lib_b1 = std::min(lib_b1, microsPerCall(reference, 1, 800));
    b256 = std::min(b256, microsPerCall(**runtime, 256, 80));
    lib_b256 = std::min(lib_b256, microsPerCall(reference, 256, 40));
  }
  std::string protocol;
  if (argc == 4) {
    const std::size_t features = (*runtime)->metadata().num_features;
    protocol = fmt::format(R"(,"protocol1_us":{:.2f},"protocol256_us":{:.2f})",
                           protocolMicros(readFile(argv[2]), features, 20000),
                           protocolMicros(readFile(argv[3]), features, 400));
  }
  std::printf("%s\n",
              fmt::format(R"({{"batch1_us":{:.2f},"batch256_us":{:.2f},"lib_batch1_us":{:.2f},)"
                          R"("lib_batch256_us":{:.2f}{}}})",
                          b1, b256, lib_b1, lib_b256, protocol)
                  .c_str());
  return 0;
}
