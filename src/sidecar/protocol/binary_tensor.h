#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "sidecar/protocol/infer_request.h"

namespace aviary::sidecar {

// Triton's binary tensor extension, the part that is raw bytes: a tensor's elements packed
// little-endian in row-major order (BOOL one byte each; BYTES each a 4-byte little-endian length
// followed by its bytes).

// Bytes per element of a fixed-size datatype; 0 for BYTES.
std::size_t binaryElementSize(DataType type);

// Decodes `bytes` as `tensor.shape` elements of `tensor.datatype` into tensor.values (numbers, as
// float32; BOOL as 0 or 1) or tensor.strings (BYTES). Errors are InvalidArgument naming the input
// and what the size or content should have been.
Status decodeBinaryTensor(std::string_view bytes, InputTensor& tensor);

// Appends float32 values as the extension packs FP32 data.
void appendBinaryFp32(std::string& out, std::span<const float> values);

}  // namespace aviary::sidecar
