#include "sidecar/loader/model_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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
  // An unknown runtime fails before anything is fetched.
  AVIARY_RETURN_IF_ERROR(makeRuntime(source.runtime));
  auto bytes = fetchArtifact(source.uri, source.fetch);
  if (!bytes) return fail(bytes.error().withContext("fetching the model"));
  if (!source.sha256.empty()) {
    const std::string actual = sha256Hex(*bytes);
    if (actual != lower(source.sha256)) {
      return fail(ErrorCode::kDataLoss, fmt::format("sha256 of {} is {}, expected {}", source.uri,
                                                    actual, lower(source.sha256)));
    }
  }
  return loadGuarded(source.runtime, std::as_bytes(std::span<const char>(*bytes)), source.limits);
}

}  // namespace aviary::sidecar
