// libFuzzer target: the OIP v2 request parser, batch assembly and response encoding on any bytes,
// and the JSON cursor under them checked against nlohmann's validator. Inputs that do not start
// with '{' take the binary tensor extension's path: their first byte is the JSON length (the
// Inference-Header-Content-Length) of the body that follows it.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "sidecar/protocol/batch.h"
#include "sidecar/protocol/infer_request.h"
#include "sidecar/protocol/infer_response.h"
#include "sidecar/protocol/json_cursor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aviary::sidecar;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  // The cursor accepts exactly what a full JSON parser accepts, but for nesting past its limit.
  // nlohmann reads a NUL byte as the end of input (so "1\0x" passes it), which JSON does not:
  // bodies with a NUL are left out of the comparison.
  if (body.find('\0') == std::string_view::npos) {
    JsonCursor cursor(body);
    auto skipped = cursor.skipValue();
    const bool ours = skipped.has_value() && cursor.expectEnd().has_value();
    const bool too_deep =
        !skipped && skipped.error().message.find("nested too deeply") != std::string::npos;
    if (!too_deep && ours != nlohmann::json::accept(body)) __builtin_trap();
  }
  std::optional<std::size_t> json_length;
  std::string_view request_body = body;
  if (!body.empty() && body.front() != '{') {
    json_length = static_cast<unsigned char>(body.front());
    request_body = body.substr(1);
  }
  auto request = parseInferRequest(request_body, json_length);
  if (!request) return 0;
  static const FeatureLayout kNamed{3, {"a", "b", "c"}};
  static const FeatureLayout kUnnamed{2, {}};
  for (const FeatureLayout* layout : {&kNamed, &kUnnamed}) {
    InferRequest copy = *request;
    auto batch = assembleBatch(copy, *layout, "region");
    if (!batch) continue;
    if (batch->rows.size() != batch->num_rows * layout->num_features) __builtin_trap();
    const std::vector<int64_t> shape = {static_cast<int64_t>(batch->num_rows)};
    std::vector<float> outputs(batch->num_rows);
    for (std::size_t r = 0; r < batch->num_rows; ++r)
      outputs[r] = batch->rows[r * layout->num_features];
    const OutputTensor output{"predict", shape, outputs, request->binary_outputs};
    const EncodedResponse encoded = encodeInferResponse("m", "v", request->id, {&output, 1});
    if (request->binary_outputs &&
        encoded.body.size() != *encoded.json_length + outputs.size() * sizeof(float)) {
      __builtin_trap();
    }
  }
  return 0;
}
