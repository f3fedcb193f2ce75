#include "common/time_format.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace aviary {
namespace {

bool readInt(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  const char* begin = text.data() + pos;
  auto [end, ec] = std::from_chars(begin, begin + width, out);
  return ec == std::errc() && end == begin + width;
}

}  // namespace

std::string formatRfc3339(Timestamp time) {
  using namespace std::chrono;
  const auto days = floor<std::chrono::days>(time);
  const year_month_day date{days};
  const hh_mm_ss clock{floor<seconds>(time - days)};
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02uT%02ld:%02ld:%02lld",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long>(clock.hours().count()),
                static_cast<long>(clock.minutes().count()),
                static_cast<long long>(clock.seconds().count()));
  std::string text = buffer;
  const auto millis = (time - floor<seconds>(time)).count();
  if (millis != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%03lld", static_cast<long long>(millis));
    text += buffer;
  }
  return text + "Z";
}

std::string formatMicroTime(Timestamp time) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  std::string text = formatRfc3339(seconds);
  char fraction[16];
  std::snprintf(fraction, sizeof(fraction), ".%03lld000",
                static_cast<long long>((time - seconds).count()));
  text.pop_back();  // the 'Z'
  return text + fraction + "Z";
}

Result<Timestamp> parseRfc3339(std::string_view text) {
  using namespace std::chrono;
  const auto invalid = [&] {
    return fail(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not an RFC 3339 time");
  };
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' ||
      !readInt(text, 0, 4, y) || !readInt(text, 5, 2, mo) || !readInt(text, 8, 2, d) ||
      !readInt(text, 11, 2, h) || !readInt(text, 14, 2, mi) || !readInt(text, 17, 2, s)) {
    return invalid();
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return invalid();
  Timestamp result =
      time_point_cast<milliseconds>(sys_days{date}) + hours{h} + minutes{mi} + seconds{s};
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      result += milliseconds{(text[pos] - '0') * scale};
      scale /= 10;
      ++pos;
    }
  }
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
    return result;
  }
  int off_h, off_m;
  if (pos + 6 == text.size() && (text[pos] == '+' || text[pos] == '-') && text[pos + 3] == ':' &&
      readInt(text, pos + 1, 2, off_h) && readInt(text, pos + 4, 2, off_m)) {
    const minutes offset{off_h * 60 + off_m};
    return text[pos] == '+' ? result - offset : result + offset;
  }
  return invalid();
}

}  // namespace aviary
