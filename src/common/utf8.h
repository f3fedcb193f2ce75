#pragma once

#include <cstddef>
#include <string_view>

namespace aviary {

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
