#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "common/json_text.h"

namespace aviary {
namespace {

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

// %j: the message as a JSON string literal.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    append(dest, jsonString(std::string_view(message.payload.data(), message.payload.size())));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

// %N: the logger's name as a JSON string literal.
class JsonLoggerNameFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    append(dest,
           jsonString(std::string_view(message.logger_name.data(), message.logger_name.size())));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonLoggerNameFlag>();
  }
};

constexpr const char* kJsonPattern =
    R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":%N,"msg":%j})";
constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l [%n] %v";

}  // namespace

Result<LogFormat> parseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return fail(ErrorCode::kInvalidArgument,
              "log format '" + std::string(text) + "' is not one of text, json");
}

Result<spdlog::level::level_enum> parseLogLevel(std::string_view text) {
  if (text == "debug") return spdlog::level::debug;
  if (text == "info") return spdlog::level::info;
  if (text == "warn") return spdlog::level::warn;
  if (text == "error") return spdlog::level::err;
  return fail(ErrorCode::kInvalidArgument,
              "log level '" + std::string(text) + "' is not one of debug, info, warn, error");
}

std::unique_ptr<spdlog::formatter> makeLogFormatter(LogFormat format) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  if (format == LogFormat::kJson) {
    formatter->add_flag<JsonMessageFlag>('j');
    formatter->add_flag<JsonLoggerNameFlag>('N');
    formatter->set_pattern(kJsonPattern);
  } else {
    formatter->set_pattern(kTextPattern);
  }
  return formatter;
}

Status setUpLogging(LogFormat format, std::string_view level, std::string_view logger_name) {
  AVIARY_ASSIGN_OR_RETURN(const spdlog::level::level_enum parsed, parseLogLevel(level));
  const std::string name(logger_name);
  try {
    spdlog::drop(name);
    auto logger = spdlog::stderr_logger_mt(name);
    logger->set_formatter(makeLogFormatter(format));
    logger->set_level(parsed);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  } catch (const spdlog::spdlog_ex& e) {
    return fail(ErrorCode::kInternal, std::string("setting up logging: ") + e.what());
  }
  return {};
}

}  // namespace aviary
