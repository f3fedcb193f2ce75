#include "cli/args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aviary::cli {
namespace {

Result<Invocation> parse(std::vector<std::string_view> args) { return parseArgs(args); }

TEST(ParseArgsTest, ReadsKubectlStyleFlagsAnywhere) {
  auto got = parse({"-n", "ml", "status", "churn", "--watch", "--timeout=5m", "--context", "dev",
                    "--kubeconfig=/k"});
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->command, Command::kStatus);
  EXPECT_EQ(got->names, std::vector<std::string>{"churn"});
  EXPECT_EQ(got->cluster.ns, "ml");
  EXPECT_EQ(got->cluster.context, "dev");
  EXPECT_EQ(got->cluster.kubeconfig, "/k");
  EXPECT_TRUE(got->watch);
  EXPECT_EQ(got->timeout, std::chrono::minutes{5});
}

TEST(ParseArgsTest, ShorthandsTakeTheirValueJoinedSpacedOrAfterEquals) {
  for (auto args : std::vector<std::vector<std::string_view>>{
           {"get", "-nml"}, {"get", "-n", "ml"}, {"get", "-n=ml"}, {"get", "--namespace", "ml"}}) {
    auto got = parse(args);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->cluster.ns, "ml") << args[1];
  }
}

TEST(ParseArgsTest, BoolFlagsAreBareOrExplicit) {
  auto all = parse({"get", "-A"});
  ASSERT_TRUE(all.has_value());
  EXPECT_TRUE(all->cluster.all_namespaces);
  auto full = parse({"promote", "churn", "--full=false"});
  ASSERT_TRUE(full.has_value());
  EXPECT_FALSE(full->full);
  auto watch = parse({"status", "-w", "churn"});
  ASSERT_TRUE(watch.has_value());
  EXPECT_TRUE(watch->watch);
  EXPECT_EQ(parse({"promote", "churn", "--full=yes"}).error().code, ErrorCode::kInvalidArgument);
}

TEST(ParseArgsTest, GetTakesAnyNumberOfNamesOthersExactlyOne) {
  EXPECT_EQ(parse({"get"})->names.size(), 0u);
  EXPECT_EQ(parse({"get", "a", "b"})->names.size(), 2u);
  EXPECT_EQ(parse({"pause", "churn"})->command, Command::kPause);
  EXPECT_EQ(parse({"history", "--", "-odd-name"})->names, std::vector<std::string>{"-odd-name"});
}

TEST(ParseArgsTest, HelpNeedsNothingElse) {
  auto flag = parse({"status", "--help"});
  ASSERT_TRUE(flag.has_value());
  EXPECT_TRUE(flag->help);
  EXPECT_EQ(flag->command, Command::kStatus);
  auto word = parse({"help", "promote"});
  ASSERT_TRUE(word.has_value());
  EXPECT_TRUE(word->help);
  EXPECT_EQ(word->command, Command::kPromote);
  auto none = parse({});
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->command.has_value());
}

struct UsageCase {
  std::vector<std::string_view> args;
  std::string message;
};

TEST(ParseArgsTest, UsageErrorsSayWhatIsWrong) {
  const std::vector<UsageCase> cases = {
      {{"frobnicate"}, "unknown command \"frobnicate\" for \"kubectl aviary\""},
      {{"get", "--output=json"}, "unknown flag: --output"},
      {{"get", "-x"}, "unknown shorthand flag: 'x' in -x"},
      {{"status"}, "status needs exactly one NAME"},
      {{"abort", "a", "b"}, "abort needs exactly one NAME, got 2"},
      {{"get", "-n"}, "flag needs an argument: --namespace"},
      {{"promote", "churn", "--watch"}, "unknown flag: --watch (only for status)"},
      {{"status", "churn", "--full"}, "unknown flag: --full (only for promote)"},
      {{"pause", "churn", "-A"}, "unknown flag: --all-namespaces (only for get)"},
      {{"status", "churn", "--timeout", "5m"}, "--timeout needs --watch"},
      {{"status", "churn", "-w", "--timeout", "soon"}, "invalid argument \"soon\" for --timeout"},
      {{"get", "-A", "churn"},
       "a ModelDeployment cannot be retrieved by name across all namespaces"},
      {{"get", "-A", "-n", "ml"}, "--namespace and --all-namespaces exclude each other"},
      {{"-n", "ml"}, "a command is needed"},
  };
  for (const auto& c : cases) {
    auto got = parse(c.args);
    ASSERT_FALSE(got.has_value()) << c.message;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(got.error().message.find(c.message), std::string::npos)
        << "got: " << got.error().message << "\nwant: " << c.message;
  }
}

TEST(CommandNameTest, RoundTrips) {
  for (auto command : {Command::kGet, Command::kStatus, Command::kPromote, Command::kAbort,
                       Command::kRetry, Command::kPause, Command::kResume, Command::kHistory}) {
    EXPECT_EQ(parseCommand(commandName(command)), command);
  }
  EXPECT_FALSE(parseCommand("rollback").has_value());
}

}  // namespace
}  // namespace aviary::cli
