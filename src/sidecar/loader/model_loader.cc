#include "sidecar/loader/model_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include "sidecar/runtime/factory.h"

namespace aviary::sidecar {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

Result<ModelRuntime::Ptr> loadModel(const ModelSource& source) {
  AVIARY_ASSIGN_OR_RETURN(ModelRuntime::Ptr runtime, makeRuntime(source.runtime));
  auto bytes = fetchArtifact(source.uri, source.fetch);
  if (!bytes) return fail(bytes.error().withContext("fetching the model"));
  if (!source.sha256.empty()) {
    const std::string actual = sha256Hex(*bytes);
    if (actual != lower(source.sha256)) {
      return fail("ChecksumMismatch", fmt::format("sha256 of {} is {}, expected {}", source.uri,
                                                  actual, lower(source.sha256)));
    }
  }
  const auto loaded = runtime->load(std::as_bytes(std::span<const char>(*bytes)));
  if (!loaded) return fail(loaded.error().withContext("loading the model"));

  const std::vector<float> zeros(runtime->metadata().num_features, 0.0f);
  auto warmup = runtime->predict(zeros, 1, PredictKind::kValue);
  if (!warmup) return fail(warmup.error().withContext("warm-up prediction"));
  if (warmup->values.empty() || !std::all_of(warmup->values.begin(), warmup->values.end(),
                                             [](float v) { return std::isfinite(v); })) {
    return fail("Internal", "warm-up prediction returned no or non-finite values");
  }
  return runtime;
}

}  // namespace aviary::sidecar
