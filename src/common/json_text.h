#pragma once

#include <string>
#include <string_view>

namespace aviary {

// `text` as a JSON string literal, quotes included, for code that writes JSON by hand (log lines,
// audit records, response bodies). Quotes, backslashes and control characters are escaped; valid
// UTF-8 is kept as it is; each byte that is not part of valid UTF-8 becomes U+FFFD, so the result
// is always valid JSON and this never throws on its input.
std::string jsonString(std::string_view text);

// Appends jsonString(text) to `out`.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace aviary
