#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar {

// Tensor element types of the Open Inference Protocol v2 that the sidecar accepts.
enum class DataType { kBool, kInt32, kInt64, kFp32, kFp64, kBytes };

std::string_view dataTypeName(DataType type);

struct InputTensor {
  std::string name;
  std::vector<int64_t> shape;
  DataType datatype = DataType::kFp32;
  // Numeric and BOOL data, converted to float32 (the models' input type); JSON null is NaN,
  // which the runtimes read as a missing value. Empty for BYTES.
  std::vector<float> values;
  std::vector<std::string> strings;  // BYTES data; empty otherwise

  // The number of elements `shape` declares (bounded by the parser, see parseInferRequest).
  std::size_t elementCount() const {
    std::size_t elements = 1;
    for (const int64_t dim : shape) elements *= static_cast<std::size_t>(dim);
    return elements;
  }
};

// An output the client asked for by name.
struct RequestedOutput {
  std::string name;
  // parameters.binary_data: whether to send its data in binary; when not given, the request's
  // binary_data_output decides.
  std::optional<bool> binary;

  bool operator==(const RequestedOutput&) const = default;
};

// The body of POST /v2/models/{name}[/versions/{v}]/infer.
struct InferRequest {
  std::string id;  // echoed in the response; empty when absent
  std::vector<InputTensor> inputs;
  std::vector<RequestedOutput> outputs;  // empty means every output
  bool output_margin = false;            // parameters.output_margin: raw scores instead of values
  bool audit_payload = false;   // parameters.audit_payload: log the inputs with this request
  bool binary_outputs = false;  // parameters.binary_data_output: outputs in binary by default
};

// Parses and validates an inference request. Data may be flat or nested; its element count
// must equal the product of `shape`. Errors are InvalidArgument with a message that names the
// offending input and what was expected, fit to return to the client as is.
//
// Triton's binary tensor extension: when `json_length` is given (the request's
// Inference-Header-Content-Length header), only the body's first json_length bytes are JSON, and
// an input with `"parameters": {"binary_data_size": n}` and no `data` takes the next n bytes of
// what follows, in the order of the inputs: elements little-endian, row-major; BOOL one byte
// each; BYTES each a 4-byte little-endian length and the bytes.
Result<InferRequest> parseInferRequest(std::string_view body,
                                       std::optional<std::size_t> json_length = std::nullopt);

}  // namespace aviary::sidecar
