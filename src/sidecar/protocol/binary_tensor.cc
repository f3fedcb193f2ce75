#include "sidecar/protocol/binary_tensor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <bit>
#include <cstdint>
#include <cstring>

namespace aviary::sidecar {
namespace {

// The extension's byte order is little-endian; so is every host the sidecar is built for, which
// lets FP32 data be copied as it is.
static_assert(std::endian::native == std::endian::little, "binary tensors assume little-endian");

std::unexpected<Error> invalid(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

template <typename T>
T load(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  return value;
}

// Appends each element of type T as float32.
template <typename T>
void widen(std::string_view bytes, std::vector<float>& out) {
  const std::size_t count = bytes.size() / sizeof(T);
  const std::size_t start = out.size();
  out.resize(start + count);
  if constexpr (std::is_same_v<T, float>) {
    std::memcpy(out.data() + start, bytes.data(), bytes.size());
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      out[start + i] = static_cast<float>(load<T>(bytes.data() + i * sizeof(T)));
    }
  }
}

Status decodeStrings(std::string_view bytes, std::size_t elements, InputTensor& tensor) {
  tensor.strings.reserve(std::min<std::size_t>(elements, 1 << 20));
  std::size_t at = 0;
  for (std::size_t i = 0; i < elements; ++i) {
    if (bytes.size() - at < 4) {
      return invalid(fmt::format("input '{}': binary BYTES data ends inside element {}'s length",
                                 tensor.name, i));
    }
    const uint32_t length = load<uint32_t>(bytes.data() + at);
    at += 4;
    if (bytes.size() - at < length) {
      return invalid(
          fmt::format("input '{}': binary BYTES element {} declares {} bytes, only {} are left",
                      tensor.name, i, length, bytes.size() - at));
    }
    tensor.strings.emplace_back(bytes.substr(at, length));
    at += length;
  }
  if (at != bytes.size()) {
    return invalid(fmt::format("input '{}': binary BYTES data has {} bytes after its {} elements",
                               tensor.name, bytes.size() - at, elements));
  }
  return {};
}

}  // namespace

std::size_t binaryElementSize(DataType type) {
  switch (type) {
    case DataType::kBool:
      return 1;
    case DataType::kInt32:
    case DataType::kFp32:
      return 4;
    case DataType::kInt64:
    case DataType::kFp64:
      return 8;
    case DataType::kBytes:
      return 0;
  }
  return 0;
}

Status decodeBinaryTensor(std::string_view bytes, InputTensor& tensor) {
  const std::size_t elements = tensor.elementCount();
  if (tensor.datatype == DataType::kBytes) return decodeStrings(bytes, elements, tensor);

  const std::size_t width = binaryElementSize(tensor.datatype);
  if (bytes.size() != elements * width) {
    return invalid(fmt::format(
        "input '{}': binary_data_size is {} bytes; shape [{}] of {} needs {} ({} bytes each)",
        tensor.name, bytes.size(), fmt::join(tensor.shape, ","), dataTypeName(tensor.datatype),
        elements * width, width));
  }
  switch (tensor.datatype) {
    case DataType::kFp32:
      widen<float>(bytes, tensor.values);
      break;
    case DataType::kFp64:
      widen<double>(bytes, tensor.values);
      break;
    case DataType::kInt32:
      widen<int32_t>(bytes, tensor.values);
      break;
    case DataType::kInt64:
      widen<int64_t>(bytes, tensor.values);
      break;
    case DataType::kBool:
      tensor.values.reserve(elements);
      for (std::size_t i = 0; i < elements; ++i) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        if (byte > 1) {
          return invalid(fmt::format("input '{}': binary BOOL element {} is {}; expected 0 or 1",
                                     tensor.name, i, byte));
        }
        tensor.values.push_back(static_cast<float>(byte));
      }
      break;
    case DataType::kBytes:
      break;
  }
  return {};
}

void appendBinaryFp32(std::string& out, std::span<const float> values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

}  // namespace aviary::sidecar
