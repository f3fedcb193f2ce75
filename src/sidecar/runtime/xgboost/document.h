#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar::xgboost {

// A number as the model file holds it: `f32` is the float32 nearest to the written value (rounded
// once, from the decimal text or the UBJSON float), which is how xgboost reads its own floats.
struct Number {
  double value = 0;
  float f32 = 0;
  bool integer = false;
};

// One value of a model document: the tree both XGBoost serialisations (JSON text and UBJSON) read
// into. Arrays whose items are all numbers, the bulk of a model, keep them in `numbers`; any
// other array keeps its items in `items`.
struct Value {
  enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  Number number;
  std::string text;
  std::vector<Number> numbers;
  std::vector<Value> items;
  // An object's members: names[i] names members[i] (two vectors, since a pair holding a Value
  // cannot be a member of Value).
  std::vector<std::string> names;
  std::vector<Value> members;

  // The member named `key` of an object, or nullptr (also when this is not an object).
  const Value* find(std::string_view key) const;
  bool isNumberArray() const { return kind == Kind::kArray && items.empty(); }
};

// Containers nested deeper than this are refused (an XGBoost model nests 7 deep).
inline constexpr std::size_t kMaxDocumentDepth = 32;

// Reads an XGBoost model document, JSON text or UBJSON, told apart by the content. Refuses with
// kInvalidArgument: other bytes (naming the legacy binary format when it looks like it),
// malformed input, nesting deeper than kMaxDocumentDepth, or more values than the input's
// bytes could hold (UBJSON containers of payload-less items declaring a huge count).
Result<Value> readDocument(std::span<const std::byte> bytes);

}  // namespace aviary::sidecar::xgboost
