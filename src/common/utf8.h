#pragma once

#include <cstddef>
#include <string_view>

namespace aviary {

// Length of the well-formed UTF-8 sequence of two to four bytes starting at text[i], or 0 when
// there is none (Unicode's table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF,
// not cut off by the end of `text`). ASCII bytes are not sequences here: callers handle them.
constexpr std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// The longest prefix of `text` that is at most `max_bytes` long and does not end inside a UTF-8
// multi-byte sequence, so cutting a note or a message never leaves half a character behind (a
// JSON encoder would reject it). Bytes before the cut are returned as they are.
constexpr std::string_view utf8Prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the character at the cut.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace aviary
