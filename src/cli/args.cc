#include "cli/args.h"

#include <array>
#include <utility>

namespace aviary::cli {
namespace {

constexpr std::array kCommands = {
    std::pair{Command::kGet, std::string_view("get")},
    std::pair{Command::kStatus, std::string_view("status")},
    std::pair{Command::kPromote, std::string_view("promote")},
    std::pair{Command::kAbort, std::string_view("abort")},
    std::pair{Command::kRetry, std::string_view("retry")},
    std::pair{Command::kPause, std::string_view("pause")},
    std::pair{Command::kResume, std::string_view("resume")},
    std::pair{Command::kHistory, std::string_view("history")},
    std::pair{Command::kCard, std::string_view("card")},
};

enum class Flag {
  kKubeconfig,
  kContext,
  kNamespace,
  kAllNamespaces,
  kWatch,
  kTimeout,
  kFull,
  kJson,
  kHtml,
  kHelp
};

struct FlagInfo {
  Flag flag;
  std::string_view name;
  char shorthand;  // '\0': none
  bool is_bool;
};

constexpr std::array kFlags = {
    FlagInfo{Flag::kKubeconfig, "kubeconfig", '\0', false},
    FlagInfo{Flag::kContext, "context", '\0', false},
    FlagInfo{Flag::kNamespace, "namespace", 'n', false},
    FlagInfo{Flag::kAllNamespaces, "all-namespaces", 'A', true},
    FlagInfo{Flag::kWatch, "watch", 'w', true},
    FlagInfo{Flag::kTimeout, "timeout", '\0', false},
    FlagInfo{Flag::kFull, "full", '\0', true},
    FlagInfo{Flag::kJson, "json", '\0', true},
    FlagInfo{Flag::kHtml, "html", '\0', false},
    FlagInfo{Flag::kHelp, "help", 'h', true},
};

const FlagInfo* findLong(std::string_view name) {
  for (const auto& info : kFlags) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const FlagInfo* findShort(char c) {
  for (const auto& info : kFlags) {
    if (info.shorthand == c) return &info;
  }
  return nullptr;
}

std::unexpected<Error> usage(std::string message) {
  return fail(ErrorCode::kInvalidArgument, std::move(message));
}

Result<bool> parseBool(const FlagInfo& info, std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return fail(ErrorCode::kInvalidArgument, "invalid argument \"" + std::string(text) + "\" for --" +
                                               std::string(info.name) + ": want true or false");
}

// One flag seen, with its value ("true" for a bare bool), in the order given.
struct SeenFlag {
  const FlagInfo* info;
  std::string value;
};

Status apply(const SeenFlag& seen, Invocation& out) {
  const std::string& value = seen.value;
  switch (seen.info->flag) {
    case Flag::kKubeconfig:
      out.cluster.kubeconfig = value;
      return {};
    case Flag::kContext:
      out.cluster.context = value;
      return {};
    case Flag::kNamespace:
      if (value.empty()) return usage("--namespace needs a non-empty value");
      out.cluster.ns = value;
      return {};
    case Flag::kAllNamespaces: {
      AVIARY_ASSIGN_OR_RETURN(out.cluster.all_namespaces, parseBool(*seen.info, value));
      return {};
    }
    case Flag::kWatch: {
      AVIARY_ASSIGN_OR_RETURN(out.watch, parseBool(*seen.info, value));
      return {};
    }
    case Flag::kFull: {
      AVIARY_ASSIGN_OR_RETURN(out.full, parseBool(*seen.info, value));
      return {};
    }
    case Flag::kJson: {
      AVIARY_ASSIGN_OR_RETURN(out.json, parseBool(*seen.info, value));
      return {};
    }
    case Flag::kHtml:
      if (value.empty()) return usage("--html needs a file name (- for stdout)");
      out.html = value;
      return {};
    case Flag::kHelp: {
      AVIARY_ASSIGN_OR_RETURN(out.help, parseBool(*seen.info, value));
      return {};
    }
    case Flag::kTimeout: {
      auto duration = parseDuration(value);
      if (!duration.has_value()) {
        return usage("invalid argument \"" + value +
                     "\" for --timeout: " + duration.error().message + " (e.g. 30s, 5m, 1h)");
      }
      if (*duration <= Duration{0}) return usage("--timeout must be more than 0s");
      out.timeout = *duration;
      return {};
    }
  }
  return {};
}

// Which command a flag belongs to (the cluster flags and --help belong to all).
std::optional<Command> ownerOf(Flag flag) {
  switch (flag) {
    case Flag::kAllNamespaces:
      return Command::kGet;
    case Flag::kWatch:
    case Flag::kTimeout:
      return Command::kStatus;
    case Flag::kFull:
      return Command::kPromote;
    case Flag::kJson:
    case Flag::kHtml:
      return Command::kCard;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view commandName(Command command) {
  for (const auto& [candidate, name] : kCommands) {
    if (candidate == command) return name;
  }
  return "";
}

std::optional<Command> parseCommand(std::string_view name) {
  for (const auto& [candidate, candidate_name] : kCommands) {
    if (candidate_name == name) return candidate;
  }
  return std::nullopt;
}

Result<Invocation> parseArgs(std::span<const std::string_view> args) {
  Invocation out;
  std::vector<SeenFlag> seen;
  std::vector<std::string> positional;
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (flags_ended || arg.size() < 2 || arg[0] != '-') {
      positional.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    const FlagInfo* info = nullptr;
    std::optional<std::string_view> value;
    if (arg.starts_with("--")) {
      std::string_view body = arg.substr(2);
      if (auto eq = body.find('='); eq != std::string_view::npos) {
        value = body.substr(eq + 1);
        body = body.substr(0, eq);
      }
      info = findLong(body);
      if (info == nullptr) return usage("unknown flag: --" + std::string(body));
    } else {
      // Shorthands: "-A", "-Aw" (bools together), "-n ns", "-nns", "-n=ns".
      std::size_t pos = 1;
      while (true) {
        info = findShort(arg[pos]);
        if (info == nullptr) {
          return usage("unknown shorthand flag: '" + std::string(1, arg[pos]) + "' in " +
                       std::string(arg));
        }
        std::string_view rest = arg.substr(pos + 1);
        if (rest.starts_with("=")) {
          value = rest.substr(1);
          break;
        }
        if (info->is_bool && !rest.empty()) {
          seen.push_back({info, "true"});
          ++pos;
          continue;
        }
        if (!rest.empty()) value = rest;
        break;
      }
    }
    if (!value) {
      if (info->is_bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return usage("flag needs an argument: --" + std::string(info->name));
      }
    }
    seen.push_back({info, std::string(*value)});
  }

  std::size_t first_name = 0;
  if (!positional.empty()) {
    if (positional.front() == "help") {
      out.help = true;
      first_name = 1;
      if (positional.size() > 1) {
        out.command = parseCommand(positional[1]);
        if (!out.command) {
          return usage("unknown command \"" + positional[1] + "\" for \"kubectl aviary\"");
        }
        first_name = 2;
      }
    } else {
      out.command = parseCommand(positional.front());
      if (!out.command) {
        return usage("unknown command \"" + positional.front() + "\" for \"kubectl aviary\"");
      }
      first_name = 1;
    }
  }
  out.names.assign(positional.begin() + static_cast<std::ptrdiff_t>(first_name), positional.end());

  for (const auto& flag : seen) AVIARY_RETURN_IF_ERROR(apply(flag, out));
  if (out.help) return out;  // help needs nothing else to be right
  if (!out.command) {
    if (!seen.empty())
      return usage(
          "a command is needed: get, status, promote, abort, retry, "
          "pause, resume, history or card");
    return out;
  }
  const Command command = *out.command;
  const std::string name(commandName(command));
  for (const auto& flag : seen) {
    auto owner = ownerOf(flag.info->flag);
    if (owner && *owner != command) {
      return usage("unknown flag: --" + std::string(flag.info->name) + " (only for " +
                   std::string(commandName(*owner)) + ")");
    }
  }
  if (out.timeout && !out.watch) return usage("--timeout needs --watch");
  if (command == Command::kGet) {
    if (out.cluster.all_namespaces && !out.names.empty()) {
      return usage("a ModelDeployment cannot be retrieved by name across all namespaces");
    }
    if (out.cluster.all_namespaces && !out.cluster.ns.empty()) {
      return usage("--namespace and --all-namespaces exclude each other");
    }
    return out;
  }
  if (command == Command::kCard) {
    if (out.names.empty() || out.names.size() > 2) {
      return usage("card needs NAME and at most one REVISION" +
                   (out.names.empty() ? "" : ", got " + std::to_string(out.names.size())));
    }
    if (out.names.size() == 2) {
      out.revision = out.names.back();
      out.names.pop_back();
      if (out.revision.size() < kMinRevisionPrefix) {
        return usage("REVISION \"" + out.revision + "\" is too short: give at least " +
                     std::to_string(kMinRevisionPrefix) + " characters of it");
      }
    }
    if (out.json && out.html) return usage("--json and --html exclude each other");
    return out;
  }
  if (out.names.size() != 1) {
    return usage(name + " needs exactly one NAME" +
                 (out.names.empty() ? "" : ", got " + std::to_string(out.names.size())));
  }
  return out;
}

}  // namespace aviary::cli
