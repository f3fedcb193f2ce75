#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.h"
#include "common/result.h"

// The command line of kubectl-aviary, read into an Invocation. Pure: no I/O.
namespace aviary::cli {

enum class Command { kGet, kStatus, kPromote, kAbort, kRetry, kPause, kResume, kHistory, kCard };

// What a script sees (`--help` lists them).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;     // the API said no, the object is missing, a request
                                         // does not apply now, no configuration
inline constexpr int kExitUsage = 2;     // the command line is wrong
inline constexpr int kExitDegraded = 3;  // status --watch: the rollout ended Failed or Stalled
inline constexpr int kExitTimeout = 4;   // status --watch: --timeout passed first

// card REVISION: the fewest characters of a revision that name it (revisions are 10 hex digits).
inline constexpr std::size_t kMinRevisionPrefix = 4;

// kubectl's flags for finding the cluster and the namespace.
struct ClusterOptions {
  std::string kubeconfig;       // --kubeconfig; empty: $KUBECONFIG, ~/.kube/config, in-cluster
  std::string context;          // --context; empty: current-context
  std::string ns;               // -n/--namespace; empty: the context's namespace
  bool all_namespaces = false;  // -A/--all-namespaces (get only)
};

struct Invocation {
  std::optional<Command> command;  // nullopt: none given (`kubectl aviary`, `help`)
  bool help = false;               // -h/--help or `help [COMMAND]`: print help, exit 0
  ClusterOptions cluster;
  std::vector<std::string> names;   // get: zero or more; every other command: exactly one
  std::string revision;             // card REVISION: a revision or a prefix of one; empty: newest
  bool watch = false;               // status -w/--watch
  std::optional<Duration> timeout;  // status --watch --timeout
  bool full = false;                // promote --full
  bool json = false;                // card --json
  std::optional<std::string> html;  // card --html FILE ("-": stdout)
};

// "get", "status", ... and back.
std::string_view commandName(Command command);
std::optional<Command> parseCommand(std::string_view name);

// Reads the arguments after the program name, as kubectl's flag library does: flags before or
// after the command and its names, `--flag=value` or `--flag value`, `-n value`, `-nvalue` and
// `-n=value`, bool flags bare or `=true|false`, and `--` ending the flags. Each flag is checked
// against the command it belongs to. Every problem is InvalidArgument with a message for people
// (exit code 2).
Result<Invocation> parseArgs(std::span<const std::string_view> args);

}  // namespace aviary::cli
