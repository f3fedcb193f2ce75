#include "sidecar/protocol/infer_response.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <iterator>

#include "common/json_text.h"
#include "sidecar/protocol/binary_tensor.h"

namespace aviary::sidecar {

EncodedResponse encodeInferResponse(std::string_view model_name, std::string_view model_version,
                                    std::string_view id, std::span<const OutputTensor> outputs) {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, R"({{"model_name":{})", jsonString(model_name));
  if (!model_version.empty())
    fmt::format_to(it, R"(,"model_version":{})", jsonString(model_version));
  if (!id.empty()) fmt::format_to(it, R"(,"id":{})", jsonString(id));
  fmt::format_to(it, R"(,"outputs":[)");
  bool any_binary = false;
  for (std::size_t o = 0; o < outputs.size(); ++o) {
    const OutputTensor& output = outputs[o];
    if (o > 0) out.push_back(',');
    fmt::format_to(it, R"({{"name":{},"datatype":"FP32","shape":[{}],)", jsonString(output.name),
                   fmt::join(output.shape, ","));
    if (output.binary) {
      any_binary = true;
      fmt::format_to(it, R"("parameters":{{"binary_data_size":{}}}}})", output.values.size_bytes());
      continue;
    }
    fmt::format_to(it, R"("data":[)");
    for (std::size_t i = 0; i < output.values.size(); ++i) {
      if (i > 0) out.push_back(',');
      const float value = output.values[i];
      if (std::isfinite(value)) {
        fmt::format_to(it, "{}", value);
      } else {
        fmt::format_to(it, "null");
      }
    }
    fmt::format_to(it, "]}}");
  }
  fmt::format_to(it, "]}}");
  EncodedResponse encoded{fmt::to_string(out), std::nullopt};
  if (any_binary) {
    encoded.json_length = encoded.body.size();
    for (const OutputTensor& output : outputs) {
      if (output.binary) appendBinaryFp32(encoded.body, output.values);
    }
  }
  return encoded;
}

}  // namespace aviary::sidecar
