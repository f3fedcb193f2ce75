#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar::drift {

// A table of numbers read from CSV: one column per header name, NaN where a value is missing.
struct NumericTable {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
};

// Reads CSV text (RFC 4180: comma-separated, optional double quotes with "" for a quote, LF or CRLF
// line ends) whose first line names the columns. Every other non-empty line must have as many
// fields as the header. A field is a decimal number ("1", "-2.5", "3e-4", "inf"), or missing:
// empty, "NA", "NaN" or "null" (any case). Errors (code "InvalidCsv") give the line and the column.
Result<NumericTable> parseNumericCsv(std::string_view text);

}  // namespace aviary::sidecar::drift
