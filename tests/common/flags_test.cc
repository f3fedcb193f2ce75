#include "common/flags.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace aviary {
namespace {

using namespace std::chrono_literals;

struct Config {
  std::string name = "default";
  int workers = 2;
  int64_t budget = 0;
  uint16_t port = 8080;
  std::size_t limit = 10;
  double ratio = 0.5;
  bool verbose = false;
  Duration interval = 30s;
  std::vector<std::string> namespaces;
  std::optional<std::string> kubeconfig;
  std::optional<uint16_t> metrics_port;
};

FlagSet<Config> makeFlags() {
  FlagSet<Config> flags("aviary-test", "[flags]");
  flags.add("name", "AVIARY_NAME", &Config::name, "a name");
  flags.add("workers", "AVIARY_WORKERS", &Config::workers, "worker threads", flags::atLeast(1));
  flags.add("budget", "AVIARY_BUDGET", &Config::budget, "a signed 64-bit number");
  flags.add("port", "AVIARY_PORT", &Config::port, "a port");
  flags.add("limit", "AVIARY_LIMIT", &Config::limit, "a size", flags::positive<std::size_t>());
  flags.add("ratio", "AVIARY_RATIO", &Config::ratio, "a fraction", flags::within(0.0, 1.0));
  flags.add("verbose", "AVIARY_VERBOSE", &Config::verbose, "say more");
  flags.add("interval", "AVIARY_INTERVAL", &Config::interval, "how often");
  flags.add("namespaces", "AVIARY_NAMESPACES", &Config::namespaces, "comma list");
  flags.add("kubeconfig", "", &Config::kubeconfig, "no variable");
  flags.add("metrics-port", "AVIARY_METRICS_PORT", &Config::metrics_port, "optional port");
  return flags;
}

Result<Config> parse(std::vector<std::string_view> args,
                     std::map<std::string, std::string> env = {}) {
  return makeFlags().parse(args, mapEnvironment(std::move(env)));
}

TEST(FlagSetTest, DefaultsWhenNothingIsGiven) {
  auto config = parse({});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->name, "default");
  EXPECT_EQ(config->workers, 2);
  EXPECT_EQ(config->interval, 30s);
  EXPECT_FALSE(config->kubeconfig.has_value());
  EXPECT_FALSE(config->metrics_port.has_value());
}

TEST(FlagSetTest, ReadsEveryTypeWithEqualsAndWithSpace) {
  auto config = parse({"--name=churn", "--workers", "4", "--budget=-9000000000", "--port", "9000",
                       "--limit=1048576", "--ratio", "0.25", "--verbose", "--interval=1m30s",
                       "--namespaces", " a, b ,,c ", "--kubeconfig=/k", "--metrics-port", "0"});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->name, "churn");
  EXPECT_EQ(config->workers, 4);
  EXPECT_EQ(config->budget, -9000000000);
  EXPECT_EQ(config->port, 9000);
  EXPECT_EQ(config->limit, 1048576u);
  EXPECT_DOUBLE_EQ(config->ratio, 0.25);
  EXPECT_TRUE(config->verbose);
  EXPECT_EQ(config->interval, 90s);
  EXPECT_EQ(config->namespaces, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(config->kubeconfig, "/k");
  EXPECT_EQ(config->metrics_port, 0);
}

TEST(FlagSetTest, BoolTakesExplicitValues) {
  EXPECT_TRUE(parse({"--verbose=true"})->verbose);
  EXPECT_TRUE(parse({"--verbose=1"})->verbose);
  EXPECT_FALSE(parse({"--verbose=false"})->verbose);
  EXPECT_FALSE(parse({"--verbose=0"}, {{"AVIARY_VERBOSE", "true"}})->verbose);
  // A bare bool flag does not swallow the next argument.
  auto config = parse({"--verbose", "--name=x"});
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(config->verbose);
  EXPECT_EQ(config->name, "x");
}

TEST(FlagSetTest, EnvironmentFillsInAndFlagsWin) {
  auto config = parse({"--port=7000"}, {{"AVIARY_PORT", "8000"},
                                        {"AVIARY_NAME", "from-env"},
                                        {"AVIARY_NAMESPACES", "x,y"},
                                        {"AVIARY_VERBOSE", "true"},
                                        {"AVIARY_METRICS_PORT", "9090"}});
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->port, 7000);
  EXPECT_EQ(config->name, "from-env");
  EXPECT_EQ(config->namespaces, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(config->verbose);
  EXPECT_EQ(config->metrics_port, 9090);
}

TEST(FlagSetTest, EmptyListClearsIt) {
  auto config = parse({"--namespaces="}, {{"AVIARY_NAMESPACES", "x"}});
  ASSERT_TRUE(config.has_value());
  EXPECT_TRUE(config->namespaces.empty());
}

TEST(FlagSetTest, ParsesArgvSkippingTheProgram) {
  const char* argv[] = {"aviary-test", "--workers=3", nullptr};
  auto config = makeFlags().parse(2, argv, mapEnvironment({}));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->workers, 3);
}

struct Bad {
  std::vector<std::string_view> args;
  std::map<std::string, std::string> env;
  std::string_view message;
};

class FlagSetErrorTest : public ::testing::TestWithParam<Bad> {};

TEST_P(FlagSetErrorTest, IsInvalidArgumentNamingTheFlag) {
  auto config = parse(GetParam().args, GetParam().env);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(config.error().message.find(GetParam().message), std::string::npos)
      << config.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, FlagSetErrorTest,
    ::testing::Values(
        Bad{{"--nope=1"}, {}, "unknown flag --nope"}, Bad{{"--nope"}, {}, "unknown flag --nope"},
        Bad{{"stray"}, {}, "unexpected argument 'stray'"},
        Bad{{"--"}, {}, "unexpected argument '--'"}, Bad{{"--name"}, {}, "--name needs a value"},
        Bad{{"--workers=many"}, {}, "--workers: 'many' is not a valid number"},
        Bad{{"--workers=4x"}, {}, "--workers: '4x' is not a valid number"},
        Bad{{"--workers="}, {}, "--workers: '' is not a valid number"},
        Bad{{"--workers=0"}, {}, "--workers must be >= 1"},
        Bad{{"--workers=99999999999"}, {}, "--workers: '99999999999' is out of range"},
        Bad{{"--budget=1.5"}, {}, "--budget: '1.5' is not a valid number"},
        Bad{{"--port=70000"}, {}, "--port: '70000' is out of range"},
        Bad{{"--port=-1"}, {}, "--port: '-1' is not a valid number"},
        Bad{{"--limit=0"}, {}, "--limit must be > 0"},
        Bad{{"--ratio=1.5"}, {}, "--ratio must be within 0..1"},
        Bad{{"--ratio=nan"}, {}, "--ratio: 'nan' is not a valid number"},
        Bad{{"--ratio=0.5x"}, {}, "--ratio: '0.5x' is not a valid number"},
        Bad{{"--verbose=yes"}, {}, "--verbose: expected true or false"},
        Bad{{"--interval=soon"}, {}, "--interval: "},
        Bad{{"--metrics-port=http"}, {}, "--metrics-port: 'http' is not a valid number"},
        Bad{{}, {{"AVIARY_WORKERS", "zero"}}, "AVIARY_WORKERS: --workers: 'zero'"},
        Bad{{}, {{"AVIARY_RATIO", "2"}}, "AVIARY_RATIO: --ratio must be within 0..1"}));

TEST(FlagSetTest, ADuplicateNameIsAnError) {
  FlagSet<Config> flags("aviary-test", "");
  flags.add("name", "AVIARY_NAME", &Config::name, "a name");
  flags.add("name", "AVIARY_OTHER", &Config::name, "again");
  auto config = flags.parse(std::vector<std::string_view>{}, mapEnvironment({}));
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().code, ErrorCode::kInternal);
  EXPECT_NE(config.error().message.find("--name"), std::string::npos);
}

TEST(FlagSetTest, UsageListsEveryFlagWithItsVariableAndHelp) {
  const std::string text = makeFlags().usage();
  EXPECT_EQ(text.rfind("usage: aviary-test [flags]\n\n", 0), 0u) << text;
  EXPECT_NE(text.find("  --workers" + std::string(14, ' ') + "AVIARY_WORKERS" +
                      std::string(13, ' ') + "worker threads\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("--kubeconfig"), std::string::npos);
  EXPECT_NE(text.find("--metrics-port"), std::string::npos);
}

TEST(OneOfTest, AcceptsOnlyTheListedValues) {
  const auto check = flags::oneOf({"text", "json"});
  EXPECT_TRUE(check("json").has_value());
  const auto bad = check("yaml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "must be one of text, json");
}

TEST(EnvironmentTest, ProcessEnvironmentReadsVariables) {
  ::setenv("AVIARY_FLAGS_TEST_VARIABLE", "here", 1);
  ::unsetenv("AVIARY_FLAGS_TEST_UNSET");
  const Environment env = processEnvironment();
  EXPECT_EQ(env("AVIARY_FLAGS_TEST_VARIABLE"), "here");
  EXPECT_FALSE(env("AVIARY_FLAGS_TEST_UNSET").has_value());
}

}  // namespace
}  // namespace aviary
