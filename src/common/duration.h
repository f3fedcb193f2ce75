#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace aviary {

using Duration = std::chrono::milliseconds;

// Parses a Go-style duration as Kubernetes users write them: "30s", "1m", "1h30m", "500ms", "2h".
// Units: ms, s, m, h. The number before each unit is a non-negative integer. An empty string, a
// missing unit or an unknown unit is an error naming the offending text.
Result<Duration> parseDuration(std::string_view text);

// Formats a duration in the shortest form parseDuration reads back, e.g. 90s -> "1m30s", 0 -> "0s".
std::string formatDuration(Duration duration);

}  // namespace aviary
