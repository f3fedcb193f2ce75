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

TEST(ParseArgsTest, CardTakesANameAnOptionalRevisionAndItsFormat) {
  auto newest = parse({"card", "churn"});
  ASSERT_TRUE(newest.has_value()) << newest.error().message;
  EXPECT_EQ(newest->names, std::vector<std::string>{"churn"});
  EXPECT_EQ(newest->revision, "");
  EXPECT_FALSE(newest->json);
  EXPECT_FALSE(newest->html.has_value());
  auto html = parse({"card", "churn", "1a2b", "--html", "card.html"});
  ASSERT_TRUE(html.has_value()) << html.error().message;
  EXPECT_EQ(html->names, std::vector<std::string>{"churn"});
  EXPECT_EQ(html->revision, "1a2b");
  EXPECT_EQ(html->html, "card.html");
  auto to_stdout = parse({"card", "--html", "-", "churn"});
  ASSERT_TRUE(to_stdout.has_value()) << to_stdout.error().message;
  EXPECT_EQ(to_stdout->html, "-");
  EXPECT_EQ(to_stdout->names, std::vector<std::string>{"churn"});
  auto json = parse({"card", "churn", "--json"});
  ASSERT_TRUE(json.has_value()) << json.error().message;
  EXPECT_TRUE(json->json);
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
      {{"card"}, "card needs NAME and at most one REVISION"},
      {{"card", "churn", "1a2b", "extra"}, "card needs NAME and at most one REVISION, got 3"},
      {{"card", "churn", "1a2"}, "REVISION \"1a2\" is too short: give at least 4 characters"},
      {{"card", "churn", "--json", "--html=x.html"}, "--json and --html exclude each other"},
      {{"card", "churn", "--html="}, "--html needs a file name (- for stdout)"},
      {{"card", "churn", "--html"}, "flag needs an argument: --html"},
      {{"history", "churn", "--json"}, "unknown flag: --json (only for card)"},
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
  for (auto command :
       {Command::kGet, Command::kStatus, Command::kPromote, Command::kAbort, Command::kRetry,
        Command::kPause, Command::kResume, Command::kHistory, Command::kCard}) {
    EXPECT_EQ(parseCommand(commandName(command)), command);
  }
  EXPECT_FALSE(parseCommand("rollback").has_value());
}

}  // namespace
}  // namespace aviary::cli
