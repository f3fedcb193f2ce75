#include "sidecar/protocol/infer_request.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace aviary::sidecar {
namespace {

using nlohmann::json;

// Caps the element count a shape may declare, so a hostile shape cannot make us reserve memory
// the body could never fill. The HTTP body limit bounds real data far below this.
constexpr int64_t kMaxElements = int64_t{1} << 31;

std::unexpected<Error> invalid(std::string message) {
  return fail("InvalidArgument", std::move(message));
}

std::string_view jsonTypeName(const json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

Result<DataType> parseDataType(std::string_view name, std::string_view input) {
  if (name == "FP32") return DataType::kFp32;
  if (name == "FP64") return DataType::kFp64;
  if (name == "INT32") return DataType::kInt32;
  if (name == "INT64") return DataType::kInt64;
  if (name == "BOOL") return DataType::kBool;
  if (name == "BYTES") return DataType::kBytes;
  return invalid(fmt::format(
      "input '{}': unsupported datatype '{}'; expected FP32, FP64, INT32, INT64, BOOL or BYTES",
      input, name));
}

// Appends the leaves of `data` (nested arrays flattened) after checking their type.
class DataReader {
 public:
  DataReader(const InputTensor& tensor, InputTensor* out) : tensor_(tensor), out_(out) {}

  Status read(const json& data) {
    if (!data.is_array()) return read1(data);  // a scalar for shape [] or [1]
    for (const json& item : data) {
      if (item.is_array()) {
        AVIARY_RETURN_IF_ERROR(read(item));
      } else {
        AVIARY_RETURN_IF_ERROR(read1(item));
      }
    }
    return {};
  }

  std::size_t count() const { return index_; }

 private:
  Status read1(const json& item) {
    const std::size_t index = index_++;
    switch (tensor_.datatype) {
      case DataType::kFp32:
      case DataType::kFp64:
        if (item.is_number() && !item.is_boolean()) {
          out_->values.push_back(static_cast<float>(item.get<double>()));
          return {};
        }
        if (item.is_null()) {
          out_->values.push_back(std::numeric_limits<float>::quiet_NaN());
          return {};
        }
        return mismatch(index, item, "numbers (or null for a missing value)");
      case DataType::kInt32:
      case DataType::kInt64: {
        if (!item.is_number_integer()) return mismatch(index, item, "integers");
        const bool narrow = tensor_.datatype == DataType::kInt32;
        if (item.is_number_unsigned()) {
          const auto value = item.get<uint64_t>();
          if (narrow && value > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
            return outOfRange(index);
          }
          out_->values.push_back(static_cast<float>(value));
        } else {
          const auto value = item.get<int64_t>();
          if (narrow && value < std::numeric_limits<int32_t>::min()) return outOfRange(index);
          out_->values.push_back(static_cast<float>(value));
        }
        return {};
      }
      case DataType::kBool:
        if (!item.is_boolean()) return mismatch(index, item, "true or false");
        out_->values.push_back(item.get<bool>() ? 1.0f : 0.0f);
        return {};
      case DataType::kBytes:
        if (!item.is_string()) return mismatch(index, item, "strings");
        out_->strings.push_back(item.get<std::string>());
        return {};
    }
    return invalid("unreachable datatype");
  }

  Status outOfRange(std::size_t index) const {
    return invalid(
        fmt::format("input '{}': element {} is out of INT32 range", tensor_.name, index));
  }

  Status mismatch(std::size_t index, const json& item, std::string_view expected) const {
    return invalid(fmt::format("input '{}': datatype {} expects {}, element {} is {}", tensor_.name,
                               dataTypeName(tensor_.datatype), expected, index,
                               jsonTypeName(item)));
  }

  const InputTensor& tensor_;
  InputTensor* out_;
  std::size_t index_ = 0;
};

Result<InputTensor> parseInput(const json& input, std::size_t position) {
  if (!input.is_object()) {
    return invalid(
        fmt::format("inputs[{}] must be an object, got {}", position, jsonTypeName(input)));
  }
  InputTensor tensor;
  const auto name = input.find("name");
  if (name == input.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
    return invalid(fmt::format("inputs[{}] needs a non-empty string 'name'", position));
  }
  tensor.name = name->get<std::string>();

  const auto shape = input.find("shape");
  if (shape == input.end() || !shape->is_array()) {
    return invalid(
        fmt::format("input '{}': 'shape' must be an array of non-negative integers", tensor.name));
  }
  int64_t elements = 1;
  for (const json& dim : *shape) {
    if (!dim.is_number_integer() || dim.get<int64_t>() < 0) {
      return invalid(
          fmt::format("input '{}': 'shape' must be an array of non-negative integers, got {}",
                      tensor.name, shape->dump()));
    }
    tensor.shape.push_back(dim.get<int64_t>());
    if (tensor.shape.back() != 0 && elements > kMaxElements / tensor.shape.back()) {
      return invalid(fmt::format("input '{}': shape {} is too large", tensor.name, shape->dump()));
    }
    elements *= tensor.shape.back();
  }

  const auto datatype = input.find("datatype");
  if (datatype == input.end() || !datatype->is_string()) {
    return invalid(
        fmt::format("input '{}': 'datatype' must be a string such as \"FP32\"", tensor.name));
  }
  AVIARY_ASSIGN_OR_RETURN(tensor.datatype,
                          parseDataType(datatype->get_ref<const std::string&>(), tensor.name));

  const auto data = input.find("data");
  if (data == input.end()) {
    return invalid(fmt::format("input '{}': 'data' is missing", tensor.name));
  }
  InputTensor parsed = tensor;
  if (tensor.datatype == DataType::kBytes) {
    parsed.strings.reserve(static_cast<std::size_t>(std::min<int64_t>(elements, 1 << 20)));
  } else {
    parsed.values.reserve(static_cast<std::size_t>(std::min<int64_t>(elements, 1 << 20)));
  }
  DataReader reader(tensor, &parsed);
  AVIARY_RETURN_IF_ERROR(reader.read(*data));
  if (static_cast<int64_t>(reader.count()) != elements) {
    return invalid(fmt::format("input '{}': shape {} needs {} elements, 'data' has {}", tensor.name,
                               shape->dump(), elements, reader.count()));
  }
  return parsed;
}

bool truthy(const json& parameters, const char* key) {
  const auto found = parameters.find(key);
  return found != parameters.end() && found->is_boolean() && found->get<bool>();
}

}  // namespace

std::string_view dataTypeName(DataType type) {
  switch (type) {
    case DataType::kBool:
      return "BOOL";
    case DataType::kInt32:
      return "INT32";
    case DataType::kInt64:
      return "INT64";
    case DataType::kFp32:
      return "FP32";
    case DataType::kFp64:
      return "FP64";
    case DataType::kBytes:
      return "BYTES";
  }
  return "?";
}

Result<InferRequest> parseInferRequest(std::string_view body) {
  const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return invalid("request body is not valid JSON");
  if (!document.is_object()) {
    return invalid(
        fmt::format("request body must be a JSON object, got {}", jsonTypeName(document)));
  }
  InferRequest request;
  if (const auto id = document.find("id"); id != document.end()) {
    if (!id->is_string()) return invalid("'id' must be a string");
    request.id = id->get<std::string>();
  }
  const auto inputs = document.find("inputs");
  if (inputs == document.end() || !inputs->is_array() || inputs->empty()) {
    return invalid("'inputs' must be a non-empty array of tensors");
  }
  request.inputs.reserve(inputs->size());
  for (std::size_t i = 0; i < inputs->size(); ++i) {
    AVIARY_ASSIGN_OR_RETURN(InputTensor tensor, parseInput((*inputs)[i], i));
    for (const InputTensor& seen : request.inputs) {
      if (seen.name == tensor.name) {
        return invalid(fmt::format("input '{}' appears twice", tensor.name));
      }
    }
    request.inputs.push_back(std::move(tensor));
  }
  if (const auto outputs = document.find("outputs"); outputs != document.end()) {
    if (!outputs->is_array()) return invalid("'outputs' must be an array");
    for (const json& output : *outputs) {
      const auto name = output.is_object() ? output.find("name") : output.end();
      if (!output.is_object() || name == output.end() || !name->is_string()) {
        return invalid("each of 'outputs' must be an object with a string 'name'");
      }
      request.outputs.push_back(name->get<std::string>());
    }
  }
  if (const auto parameters = document.find("parameters"); parameters != document.end()) {
    if (!parameters->is_object()) return invalid("'parameters' must be an object");
    request.output_margin = truthy(*parameters, "output_margin");
    request.audit_payload = truthy(*parameters, "audit_payload");
  }
  return request;
}

}  // namespace aviary::sidecar
