#include "common/duration.h"

#include <cctype>
#include <cstdint>

namespace aviary {
namespace {

Result<Duration> unitToDuration(std::string_view unit, std::int64_t value) {
  if (unit == "ms") return Duration(value);
  if (unit == "s") return std::chrono::seconds(value);
  if (unit == "m") return std::chrono::minutes(value);
  if (unit == "h") return std::chrono::hours(value);
  return fail(ErrorCode::kInvalidArgument,
              "unknown unit \"" + std::string(unit) + "\" (use ms, s, m or h)");
}

}  // namespace

Result<Duration> parseDuration(std::string_view text) {
  if (text.empty()) return fail(ErrorCode::kInvalidArgument, "empty duration");
  const std::string quoted = "\"" + std::string(text) + "\"";
  Duration total{0};
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t digits_start = pos;
    std::int64_t value = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      value = value * 10 + (text[pos] - '0');
      if (value > 1'000'000'000) return fail(ErrorCode::kInvalidArgument, quoted + " is too large");
      ++pos;
    }
    if (pos == digits_start) {
      return fail(ErrorCode::kInvalidArgument,
                  quoted + " is not a duration (expected e.g. 30s, 5m, 1h30m)");
    }
    const std::size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == unit_start) {
      return fail(ErrorCode::kInvalidArgument,
                  quoted + " has a number without a unit (use ms, s, m or h)");
    }
    auto part = unitToDuration(text.substr(unit_start, pos - unit_start), value);
    if (!part) return fail(part.error().withContext(quoted));
    total += *part;
  }
  return total;
}

std::string formatDuration(Duration duration) {
  using std::chrono::duration_cast;
  if (duration.count() == 0) return "0s";
  std::string out;
  auto rest = duration;
  const auto hours = duration_cast<std::chrono::hours>(rest);
  rest -= hours;
  const auto minutes = duration_cast<std::chrono::minutes>(rest);
  rest -= minutes;
  const auto seconds = duration_cast<std::chrono::seconds>(rest);
  rest -= seconds;
  if (hours.count() > 0) out += std::to_string(hours.count()) + "h";
  if (minutes.count() > 0) out += std::to_string(minutes.count()) + "m";
  if (seconds.count() > 0) out += std::to_string(seconds.count()) + "s";
  if (rest.count() > 0) out += std::to_string(rest.count()) + "ms";
  return out;
}

}  // namespace aviary
