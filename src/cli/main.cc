// kubectl-aviary: on PATH, kubectl runs it as `kubectl aviary ...`. The process edge: argv, the
// environment, the kubeconfig, the terminal, the clocks; everything else is in cli/.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/help.h"
#include "common/flags.h"
#include "kube/config.h"
#include "kube/rest_client.h"

namespace {

using namespace aviary;

cli::Terminal stdoutTerminal() {
  cli::Terminal terminal;
  terminal.is_tty = ::isatty(STDOUT_FILENO) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  terminal.color = terminal.is_tty && (no_color == nullptr || *no_color == '\0') &&
                   !(term != nullptr && std::string_view(term) == "dumb");
  winsize size{};
  if (terminal.is_tty && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) {
    terminal.width = size.ws_col;
    terminal.height = size.ws_row;
  }
  return terminal;
}

int usageError(const std::string& message, const std::vector<std::string_view>& args) {
  std::string command;
  for (auto arg : args) {
    if (cli::parseCommand(arg)) {
      command = std::string(arg) + " ";
      break;
    }
  }
  std::cerr << "error: " << message << "\nSee 'kubectl aviary " << command
            << "--help' for usage.\n";
  return cli::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // The client's own warnings (e.g. TLS verification off) go to stderr, never into a table.
  spdlog::set_default_logger(spdlog::stderr_color_mt("kubectl-aviary"));
  spdlog::set_level(spdlog::level::warn);

  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto invocation = cli::parseArgs(args);
  if (!invocation.has_value()) return usageError(invocation.error().message, args);
  if (invocation->help || !invocation->command) {
    std::cout << cli::helpText(invocation->command);
    return cli::kExitOk;
  }

  auto config = kube::loadKubectlConfig(invocation->cluster.kubeconfig, invocation->cluster.context,
                                        processEnvironment());
  if (!config.has_value()) {
    std::cerr << "error: " << config.error().message << "\n";
    return cli::kExitError;
  }
  config->user_agent = "kubectl-aviary";
  config->timeout = std::chrono::seconds{15};
  const std::string ns =
      invocation->cluster.ns.empty() ? config->default_namespace : invocation->cluster.ns;
  auto client = kube::RestClient::create(*config);
  if (!client.has_value()) {
    std::cerr << "error: " << client.error().message << "\n";
    return cli::kExitError;
  }

  SystemClock clock;
  SteadyClock monotonic;
  cli::Session session{
      .client = **client,
      .clock = clock,
      .monotonic = monotonic,
      .sleep = [](Duration d) { std::this_thread::sleep_for(d); },
      .terminal = stdoutTerminal,
      .out = std::cout,
      .err = std::cerr,
      .poll_interval = std::chrono::seconds{1},
  };
  return cli::run(*invocation, ns, session);
}
