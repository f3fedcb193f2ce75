#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/duration.h"
#include "common/result.h"

namespace aviary {

// Looks up an environment variable; nothing when unset. Injected so tests never touch the
// process's environment.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

// The process's environment (getenv).
Environment processEnvironment();

// A fixed environment, for tests and tools.
Environment mapEnvironment(std::map<std::string, std::string> variables);

namespace flags {

// Reading one flag's text into a value of each supported type. Errors are InvalidArgument whose
// message says what was wrong with the text (the caller names the flag).
//   strings as given; integers in decimal, in range; double as strtod reads it, finite;
//   bool: true/false/1/0; Duration: parseDuration ("30s", "1m30s");
//   vector<string>: a comma list, items trimmed, empty items dropped ("" is the empty list);
//   optional<T>: T (absent unless the flag or its variable is given).
Status parseValue(std::string_view text, std::string& out);
Status parseValue(std::string_view text, int& out);
Status parseValue(std::string_view text, long& out);
Status parseValue(std::string_view text, long long& out);
Status parseValue(std::string_view text, unsigned short& out);
Status parseValue(std::string_view text, unsigned int& out);
Status parseValue(std::string_view text, unsigned long& out);
Status parseValue(std::string_view text, double& out);
Status parseValue(std::string_view text, bool& out);
Status parseValue(std::string_view text, Duration& out);
Status parseValue(std::string_view text, std::vector<std::string>& out);
template <typename T>
Status parseValue(std::string_view text, std::optional<T>& out) {
  T value{};
  AVIARY_RETURN_IF_ERROR(parseValue(text, value));
  out = std::move(value);
  return {};
}

// A check on a parsed value; its error message completes "--name ..." (e.g. "must be > 0").
template <typename T>
using Check = std::function<Status(const T&)>;

// "must be >= min", "must be > 0", "must be within lo..hi" (bounds included).
template <typename T>
Check<T> atLeast(T min);
template <typename T>
Check<T> positive();
template <typename T>
Check<T> within(T lo, T hi);

// "must be one of a, b, c".
Check<std::string> oneOf(std::vector<std::string> allowed);

std::string formatBound(double value);  // 0 -> "0", 0.5 -> "0.5"

template <typename T>
Check<T> atLeast(T min) {
  return [min](const T& value) -> Status {
    if (value < min) return fail(ErrorCode::kInvalidArgument, "must be >= " + formatBound(min));
    return {};
  };
}
template <typename T>
Check<T> positive() {
  return [](const T& value) -> Status {
    if (!(value > T{})) return fail(ErrorCode::kInvalidArgument, "must be > 0");
    return {};
  };
}
template <typename T>
Check<T> within(T lo, T hi) {
  return [lo, hi](const T& value) -> Status {
    if (!(value >= lo && value <= hi)) {
      return fail(ErrorCode::kInvalidArgument,
                  "must be within " + formatBound(lo) + ".." + formatBound(hi));
    }
    return {};
  };
}

// Splits "--name=value" / "--name" into the name and the value, if any; anything not starting
// with "--" is nothing.
struct SplitArg {
  std::string_view name;
  std::optional<std::string_view> value;
};
std::optional<SplitArg> splitArg(std::string_view arg);

}  // namespace flags

// One table binding each flag to its environment variable, its help text and the member of
// `Config` it sets, so every flag is named once:
//
//   FlagSet<Config> flags("aviary-operator", "[flags]");
//   flags.add("metrics-port", "AVIARY_METRICS_PORT", &Config::metrics_port, "…",
//             flags::positive<uint16_t>());
//   AVIARY_ASSIGN_OR_RETURN(Config config, flags.parse(argc, argv, processEnvironment()));
//
// parse() starts from `Config{}` (the defaults), applies each flag's variable when set, then the
// command line, so a flag beats its variable. Flags are `--name=value` or `--name value`; a bool
// flag also takes a bare `--name` (true). Every error is InvalidArgument naming the flag (and the
// variable, when it came from one): an unknown flag, a missing value, a positional argument, text
// the type cannot read, a failed check.
template <typename Config>
class FlagSet {
 public:
  FlagSet(std::string program, std::string summary)
      : program_(std::move(program)), summary_(std::move(summary)) {}

  // Binds --`name` and the variable `env` ("" for none) to `member`; `check` runs on every
  // value read. Supported member types: those of flags::parseValue.
  template <typename T>
  FlagSet& add(std::string name, std::string env, T Config::*member, std::string help,
               flags::Check<T> check = {}) {
    Flag flag{std::move(name), std::move(env), std::move(help), std::is_same_v<T, bool>, {}};
    flag.apply = [member, check, flag_name = flag.name](Config& config,
                                                        std::string_view text) -> Status {
      T value{};
      if (auto parsed = flags::parseValue(text, value); !parsed) {
        return fail(ErrorCode::kInvalidArgument, "--" + flag_name + ": " + parsed.error().message);
      }
      if (check) {
        if (auto checked = check(value); !checked) {
          return fail(ErrorCode::kInvalidArgument,
                      "--" + flag_name + " " + checked.error().message);
        }
      }
      config.*member = std::move(value);
      return {};
    };
    if (find(flag.name) != nullptr) duplicates_.push_back(flag.name);
    flags_.push_back(std::move(flag));
    return *this;
  }

  // argv[0] is the program and is skipped.
  Result<Config> parse(int argc, const char* const argv[], const Environment& env) const {
    std::vector<std::string_view> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return parse(args, env);
  }

  Result<Config> parse(std::span<const std::string_view> args, const Environment& env) const {
    if (!duplicates_.empty()) {
      return fail(ErrorCode::kInternal, "flag --" + duplicates_.front() + " is defined twice");
    }
    Config config{};
    for (const Flag& flag : flags_) {
      if (flag.env.empty()) continue;
      if (auto value = env(flag.env)) {
        if (auto applied = flag.apply(config, *value); !applied) {
          return fail(applied.error().withContext(flag.env));
        }
      }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      const auto split = flags::splitArg(args[i]);
      if (!split) {
        return fail(ErrorCode::kInvalidArgument,
                    "unexpected argument '" + std::string(args[i]) + "'");
      }
      const Flag* flag = find(split->name);
      if (flag == nullptr) {
        return fail(ErrorCode::kInvalidArgument, "unknown flag --" + std::string(split->name));
      }
      std::string_view value;
      if (split->value) {
        value = *split->value;
      } else if (flag->is_bool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return fail(ErrorCode::kInvalidArgument, "--" + flag->name + " needs a value");
      }
      AVIARY_RETURN_IF_ERROR(flag->apply(config, value));
    }
    return config;
  }

  // "usage: <program> <summary>" and one line per flag: name, variable, help.
  std::string usage() const {
    std::string text = "usage: " + program_ + " " + summary_ + "\n\n";
    for (const Flag& flag : flags_) text += usageLine(flag.name, flag.env, flag.help);
    return text;
  }

 private:
  struct Flag {
    std::string name;
    std::string env;
    std::string help;
    bool is_bool;
    std::function<Status(Config&, std::string_view)> apply;
  };

  static std::string usageLine(const std::string& name, const std::string& env,
                               const std::string& help) {
    std::string line = "  --" + name;
    line.resize(std::max<std::size_t>(line.size() + 1, 25), ' ');
    line += env;
    line.resize(std::max<std::size_t>(line.size() + 1, 52), ' ');
    return line + help + "\n";
  }

  const Flag* find(std::string_view name) const {
    for (const Flag& flag : flags_) {
      if (flag.name == name) return &flag;
    }
    return nullptr;
  }

  std::string program_;
  std::string summary_;
  std::vector<Flag> flags_;
  std::vector<std::string> duplicates_;
};

}  // namespace aviary
