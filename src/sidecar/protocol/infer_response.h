#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aviary::sidecar {

struct OutputTensor {
  std::string_view name;
  std::span<const int64_t> shape;
  std::span<const float> values;  // FP32
  bool binary = false;            // data after the JSON (Triton's binary tensor extension)
};

struct EncodedResponse {
  std::string body;
  // When some output is binary: the length of the JSON at the start of `body`, for the
  // Inference-Header-Content-Length header; the outputs' bytes follow it in order.
  std::optional<std::size_t> json_length;
};

// The body of a successful inference response. Floats are written in the shortest form that
// reads back to the same float32; NaN and infinities, which JSON lacks, become null. A binary
// output carries "parameters": {"binary_data_size": n} instead of "data", and its float32
// values follow the JSON, little-endian, NaN and infinities kept.
EncodedResponse encodeInferResponse(std::string_view model_name, std::string_view model_version,
                                    std::string_view id, std::span<const OutputTensor> outputs);

}  // namespace aviary::sidecar
