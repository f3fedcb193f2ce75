#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar {

namespace detail {
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
}  // namespace detail

// What the next JSON value is, read from its first character.
enum class JsonKind { kObject, kArray, kString, kNumber, kTrue, kFalse, kNull, kInvalid };

// "a number", "an object", ...: for messages that say what was found.
std::string_view jsonKindName(JsonKind kind);

// A number, checked against the JSON grammar (RFC 8259 §6).
struct JsonNumber {
  std::string_view text;
  bool integer = false;  // no fraction and no exponent
  double value = 0;      // nearest double; magnitudes below its range read as zero
};

// A strict pull reader over one JSON text, for the inference hot path: the caller walks the
// document and converts values where they lie, so a batch's `data` goes from the body straight
// into a float buffer with no tree in between. Everything it accepts is valid JSON (strings are
// checked for escapes and UTF-8, numbers for the grammar and for fitting a double, as full
// parsers such as nlohmann's require); what it refuses fails with
// InvalidArgument "request body is not valid JSON (at byte N: ...)". Nesting deeper than
// kMaxDepth is refused, so hostile input cannot exhaust the stack.
//
// Usage: peek() the kind, then read or skip the value; for containers, enter() and loop with
// nextMember()/nextElement() until they return false.
class JsonCursor {
 public:
  static constexpr int kMaxDepth = 64;

  explicit JsonCursor(std::string_view text) : text_(text) {}

  // The kind of the next value (after whitespace); kInvalid where no value can start.
  JsonKind peek() {
    skipWhitespace();
    if (pos_ >= text_.size()) return JsonKind::kInvalid;
    switch (text_[pos_]) {
      case '{':
        return JsonKind::kObject;
      case '[':
        return JsonKind::kArray;
      case '"':
        return JsonKind::kString;
      case 't':
        return JsonKind::kTrue;
      case 'f':
        return JsonKind::kFalse;
      case 'n':
        return JsonKind::kNull;
      case '-':
        return JsonKind::kNumber;
      default:
        return detail::isDigit(text_[pos_]) ? JsonKind::kNumber : JsonKind::kInvalid;
    }
  }

  // Enters the object or array that peek() announced.
  Status enterObject();
  Status enterArray();
  // Advances to the next member of the innermost object and reads its key into `key`;
  // false (and the object left) at its closing brace.
  Result<bool> nextMember(std::string& key);
  // Advances to the next element of the innermost array; false (and the array left) at its
  // closing bracket.
  Result<bool> nextElement();

  Result<std::string> readString();
  Result<JsonNumber> readNumber();
  // Inside an array: reads the elements that come next while they are numbers, appending each
  // (as a double rounded to float) to `out`; stops before the first element that is not a number
  // or before the closing bracket, for nextElement() to go on from. Returns how many it read.
  // The fast path for tensor data: a flat run of numbers costs no per-element calls.
  Result<std::size_t> appendNumbers(std::vector<float>& out);
  Result<bool> readBool();
  Status readNull();
  // Skips one value of any kind, checking it; returns its text.
  Result<std::string_view> skipValue();

  // Succeeds when only whitespace is left.
  Status expectEnd();

  // Byte offset of the next unread character.
  std::size_t offset() const { return pos_; }

 private:
  // Per open container: whether a member or element has been read yet (for the commas).
  struct Frame {
    bool any = false;
  };

  void skipWhitespace() {
    while (pos_ < text_.size()) {
      if (!detail::isSpace(text_[pos_])) return;
      ++pos_;
    }
  }
  std::unexpected<Error> syntaxError(std::string_view what) const;
  Status enter(char open, JsonKind kind);
  Result<bool> nextItem(char close);
  Status readLiteral(std::string_view literal);
  Status appendUnicodeEscape(std::string& out);
  Status appendUtf8Sequence(std::string& out);

  std::string_view text_;
  std::size_t pos_ = 0;
  Frame frames_[kMaxDepth];
  int depth_ = 0;
};

}  // namespace aviary::sidecar
