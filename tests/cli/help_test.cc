#include "cli/help.h"

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

TEST(HelpTextTest, EveryCommandHasUsageClusterFlagsAndExitCodes) {
  for (auto command :
       {Command::kGet, Command::kStatus, Command::kPromote, Command::kAbort, Command::kRetry,
        Command::kPause, Command::kResume, Command::kHistory, Command::kCard}) {
    const std::string text = helpText(command);
    const std::string usage = "kubectl aviary " + std::string(commandName(command));
    EXPECT_NE(text.find(usage), std::string::npos) << usage;
    EXPECT_NE(text.find("--kubeconfig"), std::string::npos) << usage;
    EXPECT_NE(text.find("-n, --namespace"), std::string::npos) << usage;
    EXPECT_NE(text.find("Exit codes:"), std::string::npos) << usage;
    EXPECT_NE(text.find("  2  usage"), std::string::npos) << usage;
  }
}

TEST(HelpTextTest, TheOverviewListsEveryCommand) {
  const std::string text = helpText(std::nullopt);
  for (auto command :
       {Command::kGet, Command::kStatus, Command::kPromote, Command::kAbort, Command::kRetry,
        Command::kPause, Command::kResume, Command::kHistory, Command::kCard}) {
    EXPECT_NE(text.find("\n  " + std::string(commandName(command)) + " "), std::string::npos)
        << commandName(command);
  }
}

TEST(HelpTextTest, EachCommandDocumentsItsOwnFlags) {
  EXPECT_NE(helpText(Command::kGet).find("-A, --all-namespaces"), std::string::npos);
  EXPECT_NE(helpText(Command::kStatus).find("-w, --watch"), std::string::npos);
  EXPECT_NE(helpText(Command::kStatus).find("--timeout DURATION"), std::string::npos);
  EXPECT_NE(helpText(Command::kPromote).find("--full"), std::string::npos);
  EXPECT_NE(helpText(Command::kPause).find("status.requests.paused = true"), std::string::npos);
  EXPECT_NE(helpText(Command::kCard).find("--html FILE"), std::string::npos);
  EXPECT_NE(helpText(Command::kCard).find("--json"), std::string::npos);
  EXPECT_NE(helpText(Command::kCard).find("kubectl aviary card NAME [REVISION]"),
            std::string::npos);
}

}  // namespace
}  // namespace aviary::cli
