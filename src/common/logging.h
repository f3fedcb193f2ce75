#pragma once

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <string_view>

#include "common/result.h"

namespace aviary {

// How a process writes its log lines to stderr. kJson: one JSON object per line,
//   {"time":"2026-11-25T09:23:31.250123Z","level":"info","logger":"aviary-sidecar","msg":"..."}
// (time in UTC; msg escaped by jsonString, so any message keeps the line valid JSON);
// kText: "2026-11-25T09:23:31.250Z info [aviary-sidecar] ..." for people at a terminal.
enum class LogFormat { kText, kJson };

// "text" or "json"; anything else is InvalidArgument.
Result<LogFormat> parseLogFormat(std::string_view text);

// "debug", "info", "warn" or "error"; anything else is InvalidArgument.
Result<spdlog::level::level_enum> parseLogLevel(std::string_view text);

// The formatter for `format`, for setUpLogging and for tests that log into a buffer.
std::unique_ptr<spdlog::formatter> makeLogFormatter(LogFormat format);

// Makes a stderr logger named `logger_name` the default spdlog logger, in `format` at `level`
// ("debug|info|warn|error"), flushing at info and above. Calling it again replaces the logger.
// An unknown level is InvalidArgument and leaves logging as it was.
Status setUpLogging(LogFormat format, std::string_view level,
                    std::string_view logger_name = "aviary");

}  // namespace aviary
