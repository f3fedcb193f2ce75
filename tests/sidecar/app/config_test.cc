#include "sidecar/app/config.h"

#include <gtest/gtest.h>

#include <map>

namespace aviary::sidecar {
namespace {

Result<SidecarConfig> parse(std::vector<std::string_view> args,
                            std::map<std::string, std::string> env = {}) {
  return parseConfig(args, [env](std::string_view name) -> std::optional<std::string> {
    const auto found = env.find(std::string(name));
    if (found == env.end()) return std::nullopt;
    return found->second;
  });
}

TEST(ParseConfigTest, ReadsEveryFlagInBothSpellings) {
  auto config =
      parse({"--model-name=churn", "--model-uri", "file:///m.json", "--model-version=v2",
             "--sha256=ab", "--group-input", "region", "--port=9000", "--metrics-port=9090",
             "--threads=3", "--max-body-bytes=1024", "--audit-sample-rate=0.25", "--audit-payloads",
             "--drain-timeout=5s", "--shutdown-delay=2s", "--reference=file:///p.json",
             "--max-model-memory=1048576", "--model-load-timeout=30s"});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->model_name, "churn");
  EXPECT_EQ(config->model_uri, "file:///m.json");
  EXPECT_EQ(config->revision, "v2");  // defaults to the version
  EXPECT_EQ(config->sha256, "ab");
  EXPECT_EQ(config->group_input, "region");
  EXPECT_EQ(config->port, 9000);
  EXPECT_EQ(config->metrics_port, 9090);
  EXPECT_EQ(config->threads, 3);
  EXPECT_EQ(config->max_body_bytes, 1024u);
  EXPECT_DOUBLE_EQ(config->audit_sample_rate, 0.25);
  EXPECT_TRUE(config->audit_payloads);
  EXPECT_EQ(config->drain_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->shutdown_delay, std::chrono::seconds(2));
  EXPECT_EQ(config->reference, "file:///p.json");
  EXPECT_EQ(config->max_model_memory, 1048576u);
  EXPECT_EQ(config->model_load_timeout, std::chrono::seconds(30));
}

TEST(ParseConfigTest, EnvironmentFillsInAndFlagsWin) {
  auto config = parse({"--port=7000"}, {{"AVIARY_MODEL_NAME", "m"},
                                        {"AVIARY_MODEL_URI", "/m.json"},
                                        {"AVIARY_PORT", "8000"},
                                        {"AVIARY_REVISION", "abc123"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->model_name, "m");
  EXPECT_EQ(config->port, 7000);
  EXPECT_EQ(config->revision, "abc123");
}

TEST(ParseConfigTest, MetricsPortEqualToPortMeansOneListener) {
  auto config = parse({"--model-name=m", "--model-uri=/m", "--port=8080", "--metrics-port=8080"});
  ASSERT_TRUE(config.has_value());
  EXPECT_FALSE(config->metrics_port.has_value());
}

struct BadFlags {
  std::vector<std::string_view> args;
  const char* message;
};

class ParseConfigErrorTest : public ::testing::TestWithParam<BadFlags> {};

TEST_P(ParseConfigErrorTest, NamesTheFlag) {
  auto config = parse(GetParam().args);
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find(GetParam().message), std::string::npos)
      << config.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseConfigErrorTest,
    ::testing::Values(
        BadFlags{{"--model-uri=/m"}, "--model-name is required"},
        BadFlags{{"--model-name=m"}, "--model-uri is required"},
        BadFlags{{"--model-name=m", "--model-uri=/m", "--port=70000"}, "--port"},
        BadFlags{{"--model-name=m", "--model-uri=/m", "--nope=1"}, "unknown flag --nope"},
        BadFlags{{"--model-name=m", "--model-uri=/m", "--audit-sample-rate=2"},
                 "--audit-sample-rate must be within 0..1"},
        BadFlags{{"--model-name=m", "--model-uri=/m", "--drain-timeout=soon"}, "--drain-timeout"},
        BadFlags{{"--model-name"}, "--model-name needs a value"}));

TEST(UsageTest, ListsEveryFlagWithItsVariable) {
  const std::string text = usage();
  EXPECT_NE(text.find("--model-uri"), std::string::npos);
  EXPECT_NE(text.find("AVIARY_MODEL_URI"), std::string::npos);
  EXPECT_NE(text.find("--max-body-bytes"), std::string::npos);
}

}  // namespace
}  // namespace aviary::sidecar
