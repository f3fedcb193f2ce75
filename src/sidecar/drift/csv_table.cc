#include "sidecar/drift/csv_table.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace aviary::sidecar::drift {
namespace {

std::unexpected<Error> invalid(std::size_t line, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, "line " + std::to_string(line) + ": " + why);
}

// Splits one record into fields; `line` is only for the message.
Result<std::vector<std::string>> splitRecord(std::string_view record, std::size_t line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t k = 0; k < record.size(); ++k) {
    const char c = record[k];
    if (quoted) {
      if (c != '"') {
        fields.back() += c;
      } else if (k + 1 < record.size() && record[k + 1] == '"') {
        fields.back() += '"';
        ++k;
      } else {
        quoted = false;
      }
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return invalid(line, "unterminated quote");
  return fields;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool isMissing(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.empty() || lower == "na" || lower == "nan" || lower == "null";
}

Result<double> parseNumber(std::string_view field, std::size_t line, const std::string& column) {
  std::string_view text = trim(field);
  if (isMissing(text)) return std::numeric_limits<double>::quiet_NaN();
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return invalid(line, "column \"" + column + "\": not a number: \"" + std::string(field) + "\"");
  }
  return value;
}

}  // namespace

Result<NumericTable> parseNumericCsv(std::string_view text) {
  NumericTable table;
  bool have_header = false;
  std::size_t line = 0;
  while (!text.empty()) {
    ++line;
    const std::size_t end = text.find('\n');
    std::string_view record = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
    if (trim(record).empty()) continue;
    AVIARY_ASSIGN_OR_RETURN(auto fields, splitRecord(record, line));
    if (!have_header) {
      for (auto& field : fields) {
        std::string name(trim(field));
        if (name.empty()) return invalid(line, "empty column name in the header");
        if (std::find(table.names.begin(), table.names.end(), name) != table.names.end()) {
          return invalid(line, "duplicate column \"" + name + "\"");
        }
        table.names.push_back(std::move(name));
      }
      table.columns.resize(table.names.size());
      have_header = true;
      continue;
    }
    if (fields.size() != table.names.size()) {
      return invalid(line, "has " + std::to_string(fields.size()) + " fields; the header has " +
                               std::to_string(table.names.size()));
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      AVIARY_ASSIGN_OR_RETURN(const double value, parseNumber(fields[c], line, table.names[c]));
      table.columns[c].push_back(value);
    }
  }
  if (!have_header) return fail(ErrorCode::kInvalidArgument, "no header line");
  return table;
}

}  // namespace aviary::sidecar::drift
