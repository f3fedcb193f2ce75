#include "common/logging.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace aviary {
namespace {

// Logs `message` through a logger named "test" with the formatter of `format`; returns the output.
std::string logOnce(LogFormat format, spdlog::level::level_enum level, const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(makeLogFormatter(format));
  logger.log(level, "{}", message);
  logger.flush();
  return out.str();
}

TEST(ParseLogFormatTest, ReadsTextAndJson) {
  EXPECT_EQ(parseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(parseLogFormat("json"), LogFormat::kJson);
  const auto bad = parseLogFormat("yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("yaml"), std::string::npos);
}

TEST(ParseLogLevelTest, ReadsTheFourLevels) {
  EXPECT_EQ(parseLogLevel("debug"), spdlog::level::debug);
  EXPECT_EQ(parseLogLevel("info"), spdlog::level::info);
  EXPECT_EQ(parseLogLevel("warn"), spdlog::level::warn);
  EXPECT_EQ(parseLogLevel("error"), spdlog::level::err);
  EXPECT_FALSE(parseLogLevel("verbose").has_value());
  EXPECT_FALSE(parseLogLevel("").has_value());
}

TEST(JsonLogFormatTest, EveryLineIsOneObject) {
  const std::string line = logOnce(LogFormat::kJson, spdlog::level::warn,
                                   "lease \"aviary\" lost\nafter 10s; bad byte \xff here");
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
  const auto object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(object.is_object()) << line;
  EXPECT_EQ(object.at("level"), "warning");
  EXPECT_EQ(object.at("logger"), "test");
  EXPECT_EQ(object.at("msg"), "lease \"aviary\" lost\nafter 10s; bad byte \xEF\xBF\xBD here");
  const std::string time = object.at("time");
  EXPECT_EQ(time.size(), std::string("2026-11-25T09:23:31.250123Z").size()) << time;
  EXPECT_EQ(time.back(), 'Z');
}

TEST(TextLogFormatTest, WritesLevelLoggerAndMessage) {
  const std::string line = logOnce(LogFormat::kText, spdlog::level::info, "started");
  EXPECT_NE(line.find("Z info [test] started\n"), std::string::npos) << line;
}

TEST(SetUpLoggingTest, InstallsTheDefaultLoggerAndRejectsUnknownLevels) {
  ASSERT_TRUE(setUpLogging(LogFormat::kJson, "warn", "logging-test").has_value());
  EXPECT_EQ(spdlog::default_logger()->name(), "logging-test");
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
  // Again with the same name replaces it rather than failing on the registry.
  ASSERT_TRUE(setUpLogging(LogFormat::kText, "debug", "logging-test").has_value());
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);

  const auto bad = setUpLogging(LogFormat::kText, "loud", "other");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(spdlog::default_logger()->name(), "logging-test");
}

}  // namespace
}  // namespace aviary
