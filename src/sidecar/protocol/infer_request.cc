#include "sidecar/protocol/infer_request.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>

#include "sidecar/protocol/binary_tensor.h"
#include "sidecar/protocol/json_cursor.h"

namespace aviary::sidecar {
namespace {

// Caps the element count a shape may declare, so a hostile shape cannot make us reserve memory
// the body could never fill. The HTTP body limit bounds real data far below this.
constexpr int64_t kMaxElements = int64_t{1} << 31;

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
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

// An integer token as int64 (negative) or uint64, or nothing when it does not fit either.
struct Integer {
  bool negative = false;
  int64_t signed_value = 0;
  uint64_t unsigned_value = 0;
};
std::optional<Integer> toInteger(std::string_view text) {
  Integer out;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (text.front() == '-') {
    out.negative = true;
    if (std::from_chars(first, last, out.signed_value).ec != std::errc{}) return std::nullopt;
  } else if (std::from_chars(first, last, out.unsigned_value).ec != std::errc{}) {
    return std::nullopt;
  }
  return out;
}

// Reads a tensor's `data` (flat, nested, or one scalar) from the cursor straight into
// `tensor.values` (or `strings`), checking each element against the datatype.
class DataReader {
 public:
  DataReader(JsonCursor& json, InputTensor& tensor) : json_(json), tensor_(tensor) {}

  Status read() {
    if (json_.peek() != JsonKind::kArray) return readOne();  // a scalar for shape [] or [1]
    AVIARY_RETURN_IF_ERROR(json_.enterArray());
    const bool floating =
        tensor_.datatype == DataType::kFp32 || tensor_.datatype == DataType::kFp64;
    while (true) {
      if (floating) {
        AVIARY_ASSIGN_OR_RETURN(const std::size_t numbers, json_.appendNumbers(tensor_.values));
        index_ += numbers;
      }
      AVIARY_ASSIGN_OR_RETURN(const bool more, json_.nextElement());
      if (!more) return {};
      AVIARY_RETURN_IF_ERROR(read());
    }
  }

  std::size_t count() const { return index_; }

 private:
  Status readOne() {
    const std::size_t index = index_++;
    const JsonKind kind = json_.peek();
    switch (tensor_.datatype) {
      case DataType::kFp32:
      case DataType::kFp64:
        if (kind == JsonKind::kNumber) {
          AVIARY_ASSIGN_OR_RETURN(const JsonNumber number, json_.readNumber());
          tensor_.values.push_back(static_cast<float>(number.value));
          return {};
        }
        if (kind == JsonKind::kNull) {
          AVIARY_RETURN_IF_ERROR(json_.readNull());
          tensor_.values.push_back(std::numeric_limits<float>::quiet_NaN());
          return {};
        }
        return mismatch(index, kind, "numbers (or null for a missing value)");
      case DataType::kInt32:
      case DataType::kInt64: {
        if (kind != JsonKind::kNumber) return mismatch(index, kind, "integers");
        AVIARY_ASSIGN_OR_RETURN(const JsonNumber number, json_.readNumber());
        const std::optional<Integer> value = number.integer ? toInteger(number.text) : std::nullopt;
        if (!value) return mismatch(index, kind, "integers");
        const bool narrow = tensor_.datatype == DataType::kInt32;
        if (value->negative) {
          if (narrow && value->signed_value < std::numeric_limits<int32_t>::min()) {
            return outOfRange(index);
          }
          tensor_.values.push_back(static_cast<float>(value->signed_value));
        } else {
          if (narrow &&
              value->unsigned_value > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
            return outOfRange(index);
          }
          tensor_.values.push_back(static_cast<float>(value->unsigned_value));
        }
        return {};
      }
      case DataType::kBool: {
        if (kind != JsonKind::kTrue && kind != JsonKind::kFalse) {
          return mismatch(index, kind, "true or false");
        }
        AVIARY_ASSIGN_OR_RETURN(const bool value, json_.readBool());
        tensor_.values.push_back(value ? 1.0f : 0.0f);
        return {};
      }
      case DataType::kBytes: {
        if (kind != JsonKind::kString) return mismatch(index, kind, "strings");
        AVIARY_ASSIGN_OR_RETURN(std::string value, json_.readString());
        tensor_.strings.push_back(std::move(value));
        return {};
      }
    }
    return invalid("unreachable datatype");
  }

  Status outOfRange(std::size_t index) const {
    return invalid(
        fmt::format("input '{}': element {} is out of INT32 range", tensor_.name, index));
  }

  Status mismatch(std::size_t index, JsonKind kind, std::string_view expected) const {
    return invalid(fmt::format("input '{}': datatype {} expects {}, element {} is {}", tensor_.name,
                               dataTypeName(tensor_.datatype), expected, index,
                               jsonKindName(kind)));
  }

  JsonCursor& json_;
  InputTensor& tensor_;
  std::size_t index_ = 0;
};

// `shape` is tiny; it is taken as text first so that errors can quote it whole.
Result<std::vector<int64_t>> parseShape(std::string_view text, std::string_view input) {
  const auto bad = [&] {
    return invalid(fmt::format(
        "input '{}': 'shape' must be an array of non-negative integers, got {}", input, text));
  };
  JsonCursor json(text);
  if (json.peek() != JsonKind::kArray) return bad();
  AVIARY_RETURN_IF_ERROR(json.enterArray());
  std::vector<int64_t> shape;
  int64_t elements = 1;
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextElement());
    if (!more) break;
    if (json.peek() != JsonKind::kNumber) return bad();
    AVIARY_ASSIGN_OR_RETURN(const JsonNumber number, json.readNumber());
    const std::optional<Integer> dim = number.integer ? toInteger(number.text) : std::nullopt;
    if (!dim || dim->negative ||
        dim->unsigned_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return bad();
    }
    shape.push_back(static_cast<int64_t>(dim->unsigned_value));
    if (shape.back() != 0 && elements > kMaxElements / shape.back()) {
      return invalid(fmt::format("input '{}': shape {} is too large", input, text));
    }
    elements *= shape.back();
  }
  return shape;
}

// Reads `data` into the tensor, whose name and datatype are known, and checks the count.
Status readData(JsonCursor& json, InputTensor& tensor) {
  const auto expected = static_cast<int64_t>(tensor.elementCount());
  const auto reserve = static_cast<std::size_t>(std::min<int64_t>(expected, 1 << 20));
  if (tensor.datatype == DataType::kBytes) {
    tensor.strings.reserve(reserve);
  } else {
    tensor.values.reserve(reserve);
  }
  DataReader reader(json, tensor);
  AVIARY_RETURN_IF_ERROR(reader.read());
  if (static_cast<int64_t>(reader.count()) != expected) {
    return invalid(fmt::format("input '{}': shape [{}] needs {} elements, 'data' has {}",
                               tensor.name, fmt::join(tensor.shape, ","), expected,
                               reader.count()));
  }
  return {};
}

// A tensor's `parameters`: the one the sidecar reads is binary_data_size.
Result<std::optional<uint64_t>> parseInputParameters(JsonCursor& json, std::string_view input) {
  if (json.peek() != JsonKind::kObject) {
    return invalid(fmt::format("input '{}': 'parameters' must be an object", input));
  }
  std::optional<uint64_t> binary_size;
  AVIARY_RETURN_IF_ERROR(json.enterObject());
  std::string key;
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextMember(key));
    if (!more) return binary_size;
    if (key != "binary_data_size") {
      AVIARY_RETURN_IF_ERROR(json.skipValue());
      continue;
    }
    std::optional<Integer> size;
    if (json.peek() == JsonKind::kNumber) {
      AVIARY_ASSIGN_OR_RETURN(const JsonNumber number, json.readNumber());
      if (number.integer) size = toInteger(number.text);
    }
    if (!size || size->negative) {
      return invalid(fmt::format(
          "input '{}': parameters.binary_data_size must be a non-negative integer", input));
    }
    binary_size = size->unsigned_value;
  }
}

// An input as read from the JSON: its tensor, and for the binary extension how many bytes of the
// binary part are its data.
struct ParsedInput {
  InputTensor tensor;
  std::optional<uint64_t> binary_size;
};

// One element of `inputs`. Members may come in any order; `data` is converted as it is read when
// `name`, `shape` and `datatype` came before it (as clients send them), else it is checked,
// kept as text, and converted at the end.
Result<ParsedInput> parseInput(JsonCursor& json, std::size_t position) {
  const JsonKind kind = json.peek();
  if (kind != JsonKind::kObject) {
    return invalid(
        fmt::format("inputs[{}] must be an object, got {}", position, jsonKindName(kind)));
  }
  InputTensor tensor;
  bool has_name = false;
  bool has_shape = false;
  bool has_datatype = false;
  enum class Data { kAbsent, kRead, kDeferred } data = Data::kAbsent;
  std::string_view deferred_data;  // kDeferred: `data` seen before name, shape or datatype
  std::optional<uint64_t> binary_size;
  // How messages name this input: by name once it is known.
  const auto label = [&] { return has_name ? tensor.name : fmt::format("inputs[{}]", position); };
  const auto nameMissing = [&] {
    return invalid(fmt::format("inputs[{}] needs a non-empty string 'name'", position));
  };
  const auto datatypeMissing = [&] {
    return invalid(
        fmt::format("input '{}': 'datatype' must be a string such as \"FP32\"", tensor.name));
  };
  AVIARY_RETURN_IF_ERROR(json.enterObject());
  std::string key;
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextMember(key));
    if (!more) break;
    if (key == "name") {
      if (json.peek() != JsonKind::kString) return nameMissing();
      AVIARY_ASSIGN_OR_RETURN(tensor.name, json.readString());
      has_name = !tensor.name.empty();
      if (!has_name) return nameMissing();
    } else if (key == "shape") {
      AVIARY_ASSIGN_OR_RETURN(const std::string_view text, json.skipValue());
      AVIARY_ASSIGN_OR_RETURN(tensor.shape, parseShape(text, label()));
      has_shape = true;
    } else if (key == "datatype") {
      if (json.peek() != JsonKind::kString) return datatypeMissing();
      AVIARY_ASSIGN_OR_RETURN(const std::string name, json.readString());
      AVIARY_ASSIGN_OR_RETURN(tensor.datatype, parseDataType(name, tensor.name));
      has_datatype = true;
    } else if (key == "data") {
      if (has_name && has_shape && has_datatype) {
        tensor.values.clear();
        tensor.strings.clear();
        AVIARY_RETURN_IF_ERROR(readData(json, tensor));
        data = Data::kRead;
      } else {
        AVIARY_ASSIGN_OR_RETURN(deferred_data, json.skipValue());
        data = Data::kDeferred;
      }
    } else if (key == "parameters") {
      AVIARY_ASSIGN_OR_RETURN(binary_size, parseInputParameters(json, label()));
    } else {
      AVIARY_RETURN_IF_ERROR(json.skipValue());
    }
  }
  if (!has_name) return nameMissing();
  if (!has_shape) {
    return invalid(
        fmt::format("input '{}': 'shape' must be an array of non-negative integers", tensor.name));
  }
  if (!has_datatype) return datatypeMissing();
  if (binary_size) {
    if (data != Data::kAbsent) {
      return invalid(fmt::format(
          "input '{}': has both 'data' and parameters.binary_data_size; send one", tensor.name));
    }
    return ParsedInput{std::move(tensor), binary_size};
  }
  if (data == Data::kAbsent) {
    return invalid(fmt::format("input '{}': 'data' is missing", tensor.name));
  }
  if (data == Data::kDeferred) {
    JsonCursor deferred(deferred_data);
    AVIARY_RETURN_IF_ERROR(readData(deferred, tensor));
  }
  return ParsedInput{std::move(tensor), std::nullopt};
}

// Reads `inputs`; `binary_sizes` gets, per input, its binary_data_size if it has one.
Status parseInputs(JsonCursor& json, InferRequest& request,
                   std::vector<std::optional<uint64_t>>& binary_sizes) {
  if (json.peek() != JsonKind::kArray) {
    return invalid("'inputs' must be a non-empty array of tensors");
  }
  AVIARY_RETURN_IF_ERROR(json.enterArray());
  request.inputs.clear();
  binary_sizes.clear();
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextElement());
    if (!more) break;
    AVIARY_ASSIGN_OR_RETURN(ParsedInput input, parseInput(json, request.inputs.size()));
    for (const InputTensor& seen : request.inputs) {
      if (seen.name == input.tensor.name) {
        return invalid(fmt::format("input '{}' appears twice", input.tensor.name));
      }
    }
    request.inputs.push_back(std::move(input.tensor));
    binary_sizes.push_back(input.binary_size);
  }
  if (request.inputs.empty()) return invalid("'inputs' must be a non-empty array of tensors");
  return {};
}

// Reads a `parameters` object, setting each named flag that holds a JSON boolean; other members
// (and flags given as anything but a boolean) are accepted and ignored.
struct Flag {
  std::string_view name;
  bool* value;
  bool* seen = nullptr;  // set when the flag was given
};
Status readFlags(JsonCursor& json, std::initializer_list<Flag> flags) {
  if (json.peek() != JsonKind::kObject) return invalid("'parameters' must be an object");
  AVIARY_RETURN_IF_ERROR(json.enterObject());
  std::string key;
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextMember(key));
    if (!more) return {};
    const Flag* target = nullptr;
    for (const Flag& flag : flags) {
      if (flag.name == key) target = &flag;
    }
    const JsonKind kind = json.peek();
    if (target != nullptr && (kind == JsonKind::kTrue || kind == JsonKind::kFalse)) {
      AVIARY_ASSIGN_OR_RETURN(*target->value, json.readBool());
      if (target->seen != nullptr) *target->seen = true;
    } else {
      AVIARY_RETURN_IF_ERROR(json.skipValue());
    }
  }
}

Status parseOutputs(JsonCursor& json, InferRequest& request) {
  if (json.peek() != JsonKind::kArray) return invalid("'outputs' must be an array");
  const auto bad = [] {
    return invalid("each of 'outputs' must be an object with a string 'name'");
  };
  AVIARY_RETURN_IF_ERROR(json.enterArray());
  request.outputs.clear();
  std::string key;
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextElement());
    if (!more) return {};
    if (json.peek() != JsonKind::kObject) return bad();
    AVIARY_RETURN_IF_ERROR(json.enterObject());
    std::optional<std::string> name;
    bool binary = false;
    bool binary_given = false;
    while (true) {
      AVIARY_ASSIGN_OR_RETURN(const bool member, json.nextMember(key));
      if (!member) break;
      if (key == "name") {
        if (json.peek() != JsonKind::kString) return bad();
        AVIARY_ASSIGN_OR_RETURN(name, json.readString());
      } else if (key == "parameters") {
        AVIARY_RETURN_IF_ERROR(readFlags(json, {{"binary_data", &binary, &binary_given}}));
      } else {
        AVIARY_RETURN_IF_ERROR(json.skipValue());
      }
    }
    if (!name) return bad();
    request.outputs.push_back(RequestedOutput{
        std::move(*name), binary_given ? std::optional<bool>(binary) : std::nullopt});
  }
}

// The request-level `parameters` the sidecar acts on.
Status parseParameters(JsonCursor& json, InferRequest& request) {
  return readFlags(json, {{"output_margin", &request.output_margin},
                          {"audit_payload", &request.audit_payload},
                          {"binary_data_output", &request.binary_outputs}});
}

// Hands each input that declared binary_data_size its bytes of the binary part, in order.
Status attachBinaryData(std::string_view binary, InferRequest& request,
                        const std::vector<std::optional<uint64_t>>& binary_sizes) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < request.inputs.size(); ++i) {
    if (!binary_sizes[i]) continue;
    InputTensor& tensor = request.inputs[i];
    const uint64_t size = *binary_sizes[i];
    if (size > binary.size() - at) {
      return invalid(fmt::format(
          "input '{}': binary_data_size {} runs past the binary data ({} bytes after the JSON)",
          tensor.name, size, binary.size()));
    }
    AVIARY_RETURN_IF_ERROR(decodeBinaryTensor(binary.substr(at, size), tensor));
    at += size;
  }
  if (at != binary.size()) {
    return invalid(fmt::format(
        "the body has {} bytes after the JSON, but the inputs' binary_data_size add up to {}",
        binary.size(), at));
  }
  return {};
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

Result<InferRequest> parseInferRequest(std::string_view body,
                                       std::optional<std::size_t> json_length) {
  std::string_view binary;
  if (json_length) {
    if (*json_length > body.size()) {
      return invalid(fmt::format("Inference-Header-Content-Length {} exceeds the body's {} bytes",
                                 *json_length, body.size()));
    }
    binary = body.substr(*json_length);
    body = body.substr(0, *json_length);
  }
  JsonCursor json(body);
  const JsonKind kind = json.peek();
  if (kind != JsonKind::kObject) {
    AVIARY_RETURN_IF_ERROR(json.skipValue());
    AVIARY_RETURN_IF_ERROR(json.expectEnd());
    return invalid(fmt::format("request body must be a JSON object, got {}", jsonKindName(kind)));
  }
  InferRequest request;
  std::vector<std::optional<uint64_t>> binary_sizes;
  bool has_inputs = false;
  AVIARY_RETURN_IF_ERROR(json.enterObject());
  std::string key;
  while (true) {
    AVIARY_ASSIGN_OR_RETURN(const bool more, json.nextMember(key));
    if (!more) break;
    if (key == "id") {
      if (json.peek() != JsonKind::kString) return invalid("'id' must be a string");
      AVIARY_ASSIGN_OR_RETURN(request.id, json.readString());
    } else if (key == "inputs") {
      AVIARY_RETURN_IF_ERROR(parseInputs(json, request, binary_sizes));
      has_inputs = true;
    } else if (key == "outputs") {
      AVIARY_RETURN_IF_ERROR(parseOutputs(json, request));
    } else if (key == "parameters") {
      AVIARY_RETURN_IF_ERROR(parseParameters(json, request));
    } else {
      AVIARY_RETURN_IF_ERROR(json.skipValue());
    }
  }
  AVIARY_RETURN_IF_ERROR(json.expectEnd());
  if (!has_inputs) return invalid("'inputs' must be a non-empty array of tensors");
  for (std::size_t i = 0; i < binary_sizes.size(); ++i) {
    if (binary_sizes[i] && !json_length) {
      return invalid(fmt::format(
          "input '{}': binary_data_size needs the Inference-Header-Content-Length header",
          request.inputs[i].name));
    }
  }
  if (json_length) AVIARY_RETURN_IF_ERROR(attachBinaryData(binary, request, binary_sizes));
  return request;
}

}  // namespace aviary::sidecar
