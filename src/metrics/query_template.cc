#include "metrics/query_template.h"

#include <array>
#include <utility>

namespace aviary::metrics {
namespace {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// The value of placeholder `key`, or nullptr when there is no such placeholder.
const std::string* lookup(std::string_view key, const QueryContext& context) {
  const std::array<std::pair<std::string_view, const std::string*>, 5> table = {{
      {"name", &context.name},
      {"namespace", &context.ns},
      {"canary", &context.canary},
      {"stable", &context.stable},
      {"interval", &context.interval},
  }};
  for (const auto& [name, value] : table) {
    if (name == key) return value;
  }
  return nullptr;
}

}  // namespace

Result<std::string> renderQuery(std::string_view tmpl, const QueryContext& context) {
  std::string out;
  out.reserve(tmpl.size());
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    const std::size_t open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(tmpl.substr(pos));
      break;
    }
    out.append(tmpl.substr(pos, open - pos));
    const std::size_t close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return fail(ErrorCode::kInvalidArgument, "unclosed placeholder at offset " +
                                                   std::to_string(open) + ": \"" +
                                                   std::string(tmpl.substr(open, 40)) + "\"");
    }
    const std::string_view key = trim(tmpl.substr(open + 2, close - open - 2));
    const std::string* value = lookup(key, context);
    if (value == nullptr) {
      return fail(ErrorCode::kInvalidArgument,
                  "unknown placeholder {{" + std::string(key) +
                      "}}: use {{name}}, {{namespace}}, {{canary}}, {{stable}} or {{interval}}");
    }
    out.append(escapeLabelValue(*value));
    pos = close + 2;
  }
  return out;
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string promqlDuration(Duration duration) {
  const auto ms = duration.count();
  if (ms <= 0) return "0s";
  constexpr std::array<std::pair<std::int64_t, const char*>, 3> kUnits = {{
      {3'600'000, "h"},
      {60'000, "m"},
      {1'000, "s"},
  }};
  for (const auto& [size, unit] : kUnits) {
    if (ms % size == 0) return std::to_string(ms / size) + unit;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace aviary::metrics
