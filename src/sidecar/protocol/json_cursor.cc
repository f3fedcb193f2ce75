#include "sidecar/protocol/json_cursor.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "common/hex.h"
#include "common/utf8.h"

namespace aviary::sidecar {
namespace {

void appendCodePoint(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Scans the number at `p` (a '-' or a digit): checks the grammar and gathers the decimal
// significand and exponent in one pass, so that the common number (at most 19 digits, a small
// exponent) converts without a second scan. Advances `p` past it; returns nullptr, or what is
// wrong with `p` left where it went wrong. This is the request parser's innermost loop.
const char* scanNumber(const char*& p, const char* end, JsonNumber& number) {
  const char* const first = p;
  const auto digitAt = [end](const char* at) {
    return at != end && static_cast<unsigned>(*at - '0') < 10;
  };
  uint64_t significand = 0;
  int digits = 0;  // digits seen in the significand
  int scale = 0;   // power of ten the significand is off by
  // Gathers a run of digits into the significand (the first 19; the rest are only counted).
  const auto gather = [&] {
    const char* from = p;
    for (; digitAt(p); ++p) {
      if (digits < 19) significand = significand * 10 + static_cast<unsigned>(*p - '0');
      ++digits;
    }
    return static_cast<int>(p - from);
  };
  const bool negative = *p == '-';
  if (negative) ++p;
  if (p != end && *p == '0') {
    ++p;
  } else if (gather() == 0) {
    return "expected a digit";
  }
  bool integer = true;
  if (p != end && *p == '.') {
    ++p;
    integer = false;
    const int fraction = gather();
    if (fraction == 0) return "expected a digit after '.'";
    scale -= fraction;
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    integer = false;
    const bool minus = p != end && *p == '-';
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (!digitAt(p)) return "expected a digit in the exponent";
    int exponent = 0;
    for (; digitAt(p); ++p) {
      if (exponent < 100000) exponent = exponent * 10 + (*p - '0');
    }
    scale += minus ? -exponent : exponent;
  }
  number.text = std::string_view(first, static_cast<std::size_t>(p - first));
  number.integer = integer;
  // Clinger's fast path: a significand up to 2^53 and a power of ten up to 10^22 are both exact
  // doubles, so one multiplication or division rounds correctly, as from_chars would.
  static constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (digits <= 19 && significand <= (uint64_t{1} << 53) && scale >= -22 && scale <= 22) {
    const auto value = static_cast<double>(significand);
    number.value = scale >= 0 ? value * kPowersOfTen[scale] : value / kPowersOfTen[-scale];
    if (negative) number.value = -number.value;
    return nullptr;
  }
  const auto [stop, error] = std::from_chars(first, p, number.value);
  if (error == std::errc::result_out_of_range) {
    // Overflow or underflow; strtod tells them apart (HUGE_VAL or a value near zero).
    number.value = std::strtod(std::string(number.text).c_str(), nullptr);
    if (!std::isfinite(number.value)) {
      p = first;
      return "number out of range";
    }
  }
  return nullptr;
}

}  // namespace

std::string_view jsonKindName(JsonKind kind) {
  switch (kind) {
    case JsonKind::kObject:
      return "an object";
    case JsonKind::kArray:
      return "an array";
    case JsonKind::kString:
      return "a string";
    case JsonKind::kNumber:
      return "a number";
    case JsonKind::kTrue:
    case JsonKind::kFalse:
      return "a boolean";
    case JsonKind::kNull:
      return "null";
    case JsonKind::kInvalid:
      return "not a value";
  }
  return "?";
}

std::unexpected<Error> JsonCursor::syntaxError(std::string_view what) const {
  return fail(ErrorCode::kInvalidArgument,
              fmt::format("request body is not valid JSON (at byte {}: {})", pos_, what));
}

Status JsonCursor::enter(char open, JsonKind kind) {
  if (peek() != kind) return syntaxError(fmt::format("expected '{}'", open));
  if (depth_ == kMaxDepth) return syntaxError("nested too deeply");
  frames_[depth_++] = Frame{};
  ++pos_;
  return {};
}

Status JsonCursor::enterObject() { return enter('{', JsonKind::kObject); }
Status JsonCursor::enterArray() { return enter('[', JsonKind::kArray); }

Result<bool> JsonCursor::nextItem(char close) {
  skipWhitespace();
  if (depth_ == 0) return syntaxError("not inside a container");
  Frame& frame = frames_[depth_ - 1];
  if (pos_ < text_.size() && text_[pos_] == close) {
    ++pos_;
    --depth_;
    return false;
  }
  if (frame.any) {
    if (pos_ >= text_.size() || text_[pos_] != ',') {
      return syntaxError(fmt::format("expected ',' or '{}'", close));
    }
    ++pos_;
  }
  frame.any = true;
  return true;
}

Result<bool> JsonCursor::nextMember(std::string& key) {
  AVIARY_ASSIGN_OR_RETURN(const bool more, nextItem('}'));
  if (!more) return false;
  if (peek() != JsonKind::kString) return syntaxError("expected a member name");
  AVIARY_ASSIGN_OR_RETURN(key, readString());
  skipWhitespace();
  if (pos_ >= text_.size() || text_[pos_] != ':') return syntaxError("expected ':'");
  ++pos_;
  if (peek() == JsonKind::kInvalid) return syntaxError("expected a value");
  return true;
}

Result<bool> JsonCursor::nextElement() {
  AVIARY_ASSIGN_OR_RETURN(const bool more, nextItem(']'));
  if (!more) return false;
  if (peek() == JsonKind::kInvalid) return syntaxError("expected a value");
  return true;
}

Status JsonCursor::readLiteral(std::string_view literal) {
  if (text_.substr(pos_, literal.size()) != literal) {
    return syntaxError(fmt::format("expected {}", literal));
  }
  pos_ += literal.size();
  return {};
}

Result<bool> JsonCursor::readBool() {
  const JsonKind kind = peek();
  if (kind == JsonKind::kTrue) {
    AVIARY_RETURN_IF_ERROR(readLiteral("true"));
    return true;
  }
  if (kind == JsonKind::kFalse) {
    AVIARY_RETURN_IF_ERROR(readLiteral("false"));
    return false;
  }
  return syntaxError("expected true or false");
}

Status JsonCursor::readNull() {
  if (peek() != JsonKind::kNull) return syntaxError("expected null");
  return readLiteral("null");
}

Result<JsonNumber> JsonCursor::readNumber() {
  if (peek() != JsonKind::kNumber) return syntaxError("expected a number");
  const char* p = text_.data() + pos_;
  JsonNumber number;
  const char* problem = scanNumber(p, text_.data() + text_.size(), number);
  pos_ = static_cast<std::size_t>(p - text_.data());
  if (problem != nullptr) return syntaxError(problem);
  return number;
}

Result<std::size_t> JsonCursor::appendNumbers(std::vector<float>& out) {
  if (depth_ == 0) return syntaxError("not inside an array");
  Frame& frame = frames_[depth_ - 1];
  const char* const begin = text_.data();
  const char* const end = begin + text_.size();
  const char* p = begin + pos_;
  std::size_t count = 0;
  while (true) {
    const char* const before = p;  // where the element (and its comma) starts
    while (p != end && detail::isSpace(*p)) ++p;
    if (frame.any) {
      if (p == end || *p != ',') break;
      ++p;
      while (p != end && detail::isSpace(*p)) ++p;
    }
    if (p == end || !(*p == '-' || detail::isDigit(*p))) {
      p = before;  // not a number: nextElement() takes it from here
      break;
    }
    JsonNumber number;
    if (const char* problem = scanNumber(p, end, number); problem != nullptr) {
      pos_ = static_cast<std::size_t>(p - begin);
      return syntaxError(problem);
    }
    out.push_back(static_cast<float>(number.value));
    frame.any = true;
    ++count;
  }
  pos_ = static_cast<std::size_t>(p - begin);
  return count;
}

Result<std::string> JsonCursor::readString() {
  if (peek() != JsonKind::kString) return syntaxError("expected a string");
  ++pos_;
  std::string out;
  while (true) {
    // Copy the plain run up to the next quote, escape, control or non-ASCII byte.
    std::size_t run = pos_;
    while (run < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[run]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
      ++run;
    }
    out.append(text_.substr(pos_, run - pos_));
    pos_ = run;
    if (pos_ >= text_.size()) return syntaxError("unterminated string");
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (c == '"') {
      ++pos_;
      return out;
    }
    if (c < 0x20) return syntaxError("control character in string");
    if (c >= 0x80) {
      AVIARY_RETURN_IF_ERROR(appendUtf8Sequence(out));
      continue;
    }
    // A backslash escape.
    if (pos_ + 1 >= text_.size()) return syntaxError("unterminated string");
    const char escape = text_[pos_ + 1];
    pos_ += 2;
    switch (escape) {
      case '"':
        out.push_back('"');
        break;
      case '\\':
        out.push_back('\\');
        break;
      case '/':
        out.push_back('/');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u':
        AVIARY_RETURN_IF_ERROR(appendUnicodeEscape(out));
        break;
      default:
        pos_ -= 2;
        return syntaxError("invalid escape in string");
    }
  }
}

// After "\u": four hex digits, and for a high surrogate the "\uXXXX" low surrogate after it.
Status JsonCursor::appendUnicodeEscape(std::string& out) {
  const auto hex4 = [&]() -> Result<uint32_t> {
    if (pos_ + 4 > text_.size()) return syntaxError("short \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hexDigitValue(text_[pos_ + i]);
      if (digit < 0) return syntaxError("invalid \\u escape");
      value = value * 16 + static_cast<uint32_t>(digit);
    }
    pos_ += 4;
    return value;
  };
  AVIARY_ASSIGN_OR_RETURN(uint32_t code, hex4());
  if (code >= 0xDC00 && code <= 0xDFFF) return syntaxError("lone low surrogate");
  if (code >= 0xD800 && code <= 0xDBFF) {
    if (text_.substr(pos_, 2) != "\\u") return syntaxError("high surrogate without its pair");
    pos_ += 2;
    AVIARY_ASSIGN_OR_RETURN(const uint32_t low, hex4());
    if (low < 0xDC00 || low > 0xDFFF) return syntaxError("high surrogate without its pair");
    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
  }
  appendCodePoint(out, code);
  return {};
}

// One multi-byte UTF-8 sequence, checked by common/utf8.h (Unicode's table 3-7 of well-formed
// sequences: no overlong forms, no surrogates, nothing above U+10FFFF).
Status JsonCursor::appendUtf8Sequence(std::string& out) {
  const std::size_t length = utf8SequenceLength(text_, pos_);
  if (length == 0) return syntaxError("invalid UTF-8 in string");
  out.append(text_.substr(pos_, length));
  pos_ += length;
  return {};
}

Result<std::string_view> JsonCursor::skipValue() {
  const JsonKind kind = peek();
  const std::size_t start = pos_;
  switch (kind) {
    case JsonKind::kObject: {
      AVIARY_RETURN_IF_ERROR(enterObject());
      std::string key;
      while (true) {
        AVIARY_ASSIGN_OR_RETURN(const bool more, nextMember(key));
        if (!more) break;
        AVIARY_RETURN_IF_ERROR(skipValue());
      }
      break;
    }
    case JsonKind::kArray: {
      AVIARY_RETURN_IF_ERROR(enterArray());
      while (true) {
        AVIARY_ASSIGN_OR_RETURN(const bool more, nextElement());
        if (!more) break;
        AVIARY_RETURN_IF_ERROR(skipValue());
      }
      break;
    }
    case JsonKind::kString:
      AVIARY_RETURN_IF_ERROR(readString());
      break;
    case JsonKind::kNumber:
      AVIARY_RETURN_IF_ERROR(readNumber());
      break;
    case JsonKind::kTrue:
    case JsonKind::kFalse:
      AVIARY_RETURN_IF_ERROR(readBool());
      break;
    case JsonKind::kNull:
      AVIARY_RETURN_IF_ERROR(readNull());
      break;
    case JsonKind::kInvalid:
      return syntaxError("expected a value");
  }
  return text_.substr(start, pos_ - start);
}

Status JsonCursor::expectEnd() {
  skipWhitespace();
  if (pos_ != text_.size()) return syntaxError("unexpected text after the value");
  return {};
}

}  // namespace aviary::sidecar
