#include "sidecar/app/config.h"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <vector>

#include "common/duration.h"

namespace aviary::sidecar {
namespace {

enum class Kind { kString, kPort, kOptionalPort, kInt, kSize, kRate, kBool, kDuration };

struct Flag {
  std::string_view name;
  std::string_view env;
  Kind kind;
  std::string_view help;
};

constexpr Flag kFlags[] = {
    {"model-name", "AVIARY_MODEL_NAME", Kind::kString,
     "name served under /v2/models/{name} (required)"},
    {"model-version", "AVIARY_MODEL_VERSION", Kind::kString,
     "version served under .../versions/{v}"},
    {"revision", "AVIARY_REVISION", Kind::kString,
     "metric label `revision` (default: model version)"},
    {"model-uri", "AVIARY_MODEL_URI", Kind::kString,
     "file:///path, http://... or https://... (required)"},
    {"sha256", "AVIARY_MODEL_SHA256", Kind::kString, "expected SHA-256 of the artifact (hex)"},
    {"runtime", "AVIARY_RUNTIME", Kind::kString, "model runtime (xgboost)"},
    {"reference", "AVIARY_REFERENCE", Kind::kString, "training reference profile for drift"},
    {"group-input", "AVIARY_GROUP_INPUT", Kind::kString, "request input naming each row's group"},
    {"address", "AVIARY_ADDRESS", Kind::kString, "listen address (0.0.0.0)"},
    {"port", "AVIARY_PORT", Kind::kPort, "inference port (8080; 0 picks a free one)"},
    {"metrics-port", "AVIARY_METRICS_PORT", Kind::kOptionalPort,
     "separate /metrics port (default: the inference port)"},
    {"threads", "AVIARY_THREADS", Kind::kInt, "worker threads (0: one per core)"},
    {"max-body-bytes", "AVIARY_MAX_BODY_BYTES", Kind::kSize,
     "request body limit; larger gets 413 (8388608)"},
    {"max-model-bytes", "AVIARY_MAX_MODEL_BYTES", Kind::kSize,
     "model artifact size limit (1073741824)"},
    {"max-model-memory", "AVIARY_MAX_MODEL_MEMORY", Kind::kSize,
     "memory a model load may use, checked in a probe process first (4294967296)"},
    {"model-load-timeout", "AVIARY_MODEL_LOAD_TIMEOUT", Kind::kDuration,
     "longest probe load of the model (120s)"},
    {"ca-file", "AVIARY_CA_FILE", Kind::kString,
     "PEM CAs trusted for https model URIs (default: system)"},
    {"audit-log", "AVIARY_AUDIT_LOG", Kind::kString, "audit JSON lines file, - for stdout (-)"},
    {"audit-sample-rate", "AVIARY_AUDIT_SAMPLE_RATE", Kind::kRate,
     "fraction of requests audited, 0..1 (1)"},
    {"audit-payloads", "AVIARY_AUDIT_PAYLOADS", Kind::kBool,
     "allow requests to ask for their payload in the audit log"},
    {"shutdown-delay", "AVIARY_SHUTDOWN_DELAY", Kind::kDuration,
     "after SIGTERM, answer not-ready this long before draining (0s)"},
    {"drain-timeout", "AVIARY_DRAIN_TIMEOUT", Kind::kDuration,
     "longest wait for in-flight requests (30s)"},
    {"drift-window", "AVIARY_DRIFT_WINDOW", Kind::kSize, "rows kept for drift statistics (1000)"},
    {"fairness-window", "AVIARY_FAIRNESS_WINDOW", Kind::kSize,
     "predictions kept for group positive rates (1000)"},
    {"positive-threshold", "AVIARY_POSITIVE_THRESHOLD", Kind::kRate,
     "a prediction >= this is positive (0.5)"},
    {"accounting-interval", "AVIARY_ACCOUNTING_INTERVAL", Kind::kDuration,
     "how often drift and group rates are recomputed (5s)"},
    {"port-file", "AVIARY_PORT_FILE", Kind::kString,
     "write the bound ports here as JSON once listening"},
    {"log-level", "AVIARY_LOG_LEVEL", Kind::kString, "debug, info, warn or error (info)"},
    {"help", "", Kind::kBool, "print this and exit"},
};

const Flag* findFlag(std::string_view name) {
  for (const Flag& flag : kFlags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

template <typename T>
Result<T> parseNumber(std::string_view flag, std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("--{}: '{}' is not a valid number", flag, text));
  }
  return value;
}

Status apply(const Flag& flag, std::string_view text, SidecarConfig& config) {
  const std::string value(text);
  switch (flag.kind) {
    case Kind::kPort:
    case Kind::kOptionalPort: {
      AVIARY_ASSIGN_OR_RETURN(const uint16_t port, parseNumber<uint16_t>(flag.name, text));
      if (flag.kind == Kind::kPort) {
        config.port = port;
      } else {
        config.metrics_port = port;
      }
      return {};
    }
    case Kind::kInt: {
      AVIARY_ASSIGN_OR_RETURN(config.threads, parseNumber<int>(flag.name, text));
      if (config.threads < 0) return fail(ErrorCode::kInvalidArgument, "--threads must be >= 0");
      return {};
    }
    case Kind::kSize: {
      AVIARY_ASSIGN_OR_RETURN(const std::size_t size, parseNumber<std::size_t>(flag.name, text));
      if (size == 0)
        return fail(ErrorCode::kInvalidArgument, fmt::format("--{} must be > 0", flag.name));
      static const std::map<std::string_view, std::size_t SidecarConfig::*> kSizes = {
          {"max-body-bytes", &SidecarConfig::max_body_bytes},
          {"max-model-bytes", &SidecarConfig::max_model_bytes},
          {"max-model-memory", &SidecarConfig::max_model_memory},
          {"drift-window", &SidecarConfig::drift_window},
          {"fairness-window", &SidecarConfig::fairness_window}};
      config.*kSizes.at(flag.name) = size;
      return {};
    }
    case Kind::kRate: {
      AVIARY_ASSIGN_OR_RETURN(const double rate, parseNumber<double>(flag.name, text));
      if (rate < 0 || rate > 1) {
        return fail(ErrorCode::kInvalidArgument,
                    fmt::format("--{} must be within 0..1", flag.name));
      }
      (flag.name == "positive-threshold" ? config.positive_threshold : config.audit_sample_rate) =
          rate;
      return {};
    }
    case Kind::kBool: {
      if (value != "true" && value != "false" && value != "1" && value != "0") {
        return fail(ErrorCode::kInvalidArgument,
                    fmt::format("--{}: expected true or false", flag.name));
      }
      const bool on = value == "true" || value == "1";
      (flag.name == "help" ? config.help : config.audit_payloads) = on;
      return {};
    }
    case Kind::kDuration: {
      auto duration = parseDuration(text);
      if (!duration) return fail(duration.error().withContext(fmt::format("--{}", flag.name)));
      static const std::map<std::string_view, std::chrono::milliseconds SidecarConfig::*>
          kDurations = {{"drain-timeout", &SidecarConfig::drain_timeout},
                        {"shutdown-delay", &SidecarConfig::shutdown_delay},
                        {"accounting-interval", &SidecarConfig::accounting_interval},
                        {"model-load-timeout", &SidecarConfig::model_load_timeout}};
      config.*kDurations.at(flag.name) = *duration;
      return {};
    }
    case Kind::kString:
      break;
  }
  static const std::map<std::string_view, std::string SidecarConfig::*> kStrings = {
      {"model-name", &SidecarConfig::model_name}, {"model-version", &SidecarConfig::model_version},
      {"revision", &SidecarConfig::revision},     {"model-uri", &SidecarConfig::model_uri},
      {"sha256", &SidecarConfig::sha256},         {"runtime", &SidecarConfig::runtime},
      {"reference", &SidecarConfig::reference},   {"group-input", &SidecarConfig::group_input},
      {"address", &SidecarConfig::address},       {"ca-file", &SidecarConfig::ca_file},
      {"audit-log", &SidecarConfig::audit_log},   {"port-file", &SidecarConfig::port_file},
      {"log-level", &SidecarConfig::log_level},
  };
  config.*kStrings.at(flag.name) = value;
  return {};
}

}  // namespace

Result<SidecarConfig> parseConfig(std::span<const std::string_view> args, const EnvLookup& env) {
  SidecarConfig config;
  for (const Flag& flag : kFlags) {
    if (flag.env.empty()) continue;
    if (auto value = env(flag.env)) {
      auto applied = apply(flag, *value, config);
      if (!applied) return fail(applied.error().withContext(std::string(flag.env)));
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) {
      return fail(ErrorCode::kInvalidArgument, fmt::format("unexpected argument '{}'", arg));
    }
    arg.remove_prefix(2);
    std::optional<std::string_view> value;
    if (const std::size_t eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const Flag* flag = findFlag(arg);
    if (flag == nullptr)
      return fail(ErrorCode::kInvalidArgument, fmt::format("unknown flag --{}", arg));
    if (!value) {
      if (flag->kind == Kind::kBool) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return fail(ErrorCode::kInvalidArgument, fmt::format("--{} needs a value", arg));
      }
    }
    AVIARY_RETURN_IF_ERROR(apply(*flag, *value, config));
  }
  if (config.help) return config;
  if (config.model_name.empty())
    return fail(ErrorCode::kInvalidArgument, "--model-name is required");
  if (config.model_uri.empty()) return fail(ErrorCode::kInvalidArgument, "--model-uri is required");
  if (config.revision.empty()) {
    config.revision = config.model_version.empty() ? "unknown" : config.model_version;
  }
  if (config.metrics_port && *config.metrics_port == config.port && config.port != 0) {
    config.metrics_port.reset();  // same port: one listener
  }
  return config;
}

std::string usage() {
  std::string text = "usage: aviary-sidecar --model-name NAME --model-uri URI [flags]\n\n";
  for (const Flag& flag : kFlags) {
    text += fmt::format("  --{:<20} {:<26} {}\n", flag.name, flag.env, flag.help);
  }
  return text;
}

}  // namespace aviary::sidecar
