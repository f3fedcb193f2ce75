#include "common/flags.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace aviary {

Environment processEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Environment mapEnvironment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    const auto found = variables.find(std::string(name));
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

namespace flags {
namespace {

template <typename T>
Status parseInteger(std::string_view text, T& out) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    return fail(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is out of range");
  }
  if (text.empty() || ec != std::errc() || stop != end) {
    return fail(ErrorCode::kInvalidArgument, "'" + std::string(text) + "' is not a valid number");
  }
  out = value;
  return {};
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Status parseValue(std::string_view text, std::string& out) {
  out = std::string(text);
  return {};
}
Status parseValue(std::string_view text, int& out) { return parseInteger(text, out); }
Status parseValue(std::string_view text, long& out) { return parseInteger(text, out); }
Status parseValue(std::string_view text, long long& out) { return parseInteger(text, out); }
Status parseValue(std::string_view text, unsigned short& out) { return parseInteger(text, out); }
Status parseValue(std::string_view text, unsigned int& out) { return parseInteger(text, out); }
Status parseValue(std::string_view text, unsigned long& out) { return parseInteger(text, out); }

Status parseValue(std::string_view text, double& out) {
  // The whole text must be one finite number.
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno == ERANGE ||
      !std::isfinite(value)) {
    return fail(ErrorCode::kInvalidArgument, "'" + copy + "' is not a valid number");
  }
  out = value;
  return {};
}

Status parseValue(std::string_view text, bool& out) {
  if (text == "true" || text == "1") {
    out = true;
  } else if (text == "false" || text == "0") {
    out = false;
  } else {
    return fail(ErrorCode::kInvalidArgument,
                "expected true or false, got '" + std::string(text) + "'");
  }
  return {};
}

Status parseValue(std::string_view text, Duration& out) {
  AVIARY_ASSIGN_OR_RETURN(out, parseDuration(text));
  return {};
}

Status parseValue(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return {};
}

Check<std::string> oneOf(std::vector<std::string> allowed) {
  return [allowed = std::move(allowed)](const std::string& value) -> Status {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return {};
    std::string list;
    for (const std::string& item : allowed) list += (list.empty() ? "" : ", ") + item;
    return fail(ErrorCode::kInvalidArgument, "must be one of " + list);
  };
}

std::string formatBound(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

std::optional<SplitArg> splitArg(std::string_view arg) {
  if (!arg.starts_with("--") || arg.size() == 2) return std::nullopt;
  arg.remove_prefix(2);
  SplitArg split{arg, std::nullopt};
  if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
    split.name = arg.substr(0, eq);
    split.value = arg.substr(eq + 1);
  }
  return split;
}

}  // namespace flags
}  // namespace aviary
