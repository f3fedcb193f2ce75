#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace aviary::sidecar {

struct OutputTensor {
  std::string_view name;
  std::span<const int64_t> shape;
  std::span<const float> values;  // FP32
};

// The body of a successful inference response. Floats are written in the shortest form that
// reads back to the same float32; NaN and infinities, which JSON lacks, become null.
std::string encodeInferResponse(std::string_view model_name, std::string_view model_version,
                                std::string_view id, std::span<const OutputTensor> outputs);

// `text` as a JSON string literal, quotes included.
std::string jsonString(std::string_view text);

}  // namespace aviary::sidecar
