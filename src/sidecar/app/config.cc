#include "sidecar/app/config.h"

#include "common/flags.h"

namespace aviary::sidecar {
namespace {

using C = SidecarConfig;

// Every flag of aviary-sidecar, named once: its variable, help and the member it sets.
const FlagSet<SidecarConfig>& flagSet() {
  static const FlagSet<SidecarConfig> set = [] {
    FlagSet<SidecarConfig> flags("aviary-sidecar", "--model-name NAME --model-uri URI [flags]");
    flags.add("model-name", "AVIARY_MODEL_NAME", &C::model_name,
              "name served under /v2/models/{name} (required)");
    flags.add("model-version", "AVIARY_MODEL_VERSION", &C::model_version,
              "version served under .../versions/{v}");
    flags.add("revision", "AVIARY_REVISION", &C::revision,
              "metric label `revision` (default: model version)");
    flags.add("model-uri", "AVIARY_MODEL_URI", &C::model_uri,
              "file:///path, http://... or https://... (required)");
    flags.add("sha256", "AVIARY_MODEL_SHA256", &C::sha256,
              "expected SHA-256 of the artifact (hex)");
    flags.add("runtime", "AVIARY_RUNTIME", &C::runtime, "model runtime (xgboost, lightgbm)");
    flags.add("reference", "AVIARY_REFERENCE", &C::reference,
              "training reference profile for drift");
    flags.add("group-input", "AVIARY_GROUP_INPUT", &C::group_input,
              "request input naming each row's group");
    flags.add("address", "AVIARY_ADDRESS", &C::address, "listen address (0.0.0.0)");
    flags.add("port", "AVIARY_PORT", &C::port, "inference port (8080; 0 picks a free one)");
    flags.add("metrics-port", "AVIARY_METRICS_PORT", &C::metrics_port,
              "separate /metrics port (default: the inference port)");
    flags.add("threads", "AVIARY_THREADS", &C::threads, "worker threads (0: one per core)",
              flags::atLeast(0));
    flags.add("max-body-bytes", "AVIARY_MAX_BODY_BYTES", &C::max_body_bytes,
              "request body limit; larger gets 413 (8388608)", flags::positive<std::size_t>());
    flags.add("max-model-bytes", "AVIARY_MAX_MODEL_BYTES", &C::max_model_bytes,
              "model artifact size limit (1073741824)", flags::positive<std::size_t>());
    flags.add("max-model-memory", "AVIARY_MAX_MODEL_MEMORY", &C::max_model_memory,
              "memory a model load may use, checked in a probe process first (4294967296)",
              flags::positive<std::size_t>());
    flags.add("model-load-timeout", "AVIARY_MODEL_LOAD_TIMEOUT", &C::model_load_timeout,
              "longest probe load of the model (120s)");
    flags.add("ca-file", "AVIARY_CA_FILE", &C::ca_file,
              "PEM CAs trusted for https model URIs (default: system)");
    flags.add("audit-log", "AVIARY_AUDIT_LOG", &C::audit_log,
              "audit JSON lines file, - for stdout (-)");
    flags.add("audit-sample-rate", "AVIARY_AUDIT_SAMPLE_RATE", &C::audit_sample_rate,
              "fraction of requests audited, 0..1 (1)", flags::within(0.0, 1.0));
    flags.add("audit-payloads", "AVIARY_AUDIT_PAYLOADS", &C::audit_payloads,
              "allow requests to ask for their payload in the audit log");
    flags.add("shutdown-delay", "AVIARY_SHUTDOWN_DELAY", &C::shutdown_delay,
              "after SIGTERM, answer not-ready this long before draining (0s)");
    flags.add("drain-timeout", "AVIARY_DRAIN_TIMEOUT", &C::drain_timeout,
              "longest wait for in-flight requests (30s)");
    flags.add("drift-window", "AVIARY_DRIFT_WINDOW", &C::drift_window,
              "rows kept for drift statistics (1000)", flags::positive<std::size_t>());
    flags.add("fairness-window", "AVIARY_FAIRNESS_WINDOW", &C::fairness_window,
              "predictions kept for group positive rates (1000)", flags::positive<std::size_t>());
    flags.add("positive-threshold", "AVIARY_POSITIVE_THRESHOLD", &C::positive_threshold,
              "a prediction >= this is positive (0.5)", flags::within(0.0, 1.0));
    flags.add("accounting-interval", "AVIARY_ACCOUNTING_INTERVAL", &C::accounting_interval,
              "how often drift and group rates are recomputed (5s)");
    flags.add("port-file", "AVIARY_PORT_FILE", &C::port_file,
              "write the bound ports here as JSON once listening");
    flags.add("log-level", "AVIARY_LOG_LEVEL", &C::log_level, "debug, info, warn or error (info)",
              flags::oneOf({"debug", "info", "warn", "error"}));
    flags.add("log-format", "AVIARY_LOG_FORMAT", &C::log_format,
              "json (one object per line) or text (json)", flags::oneOf({"json", "text"}));
    flags.add("help", "", &C::help, "print this and exit");
    return flags;
  }();
  return set;
}

}  // namespace

Result<SidecarConfig> parseConfig(std::span<const std::string_view> args, const EnvLookup& env) {
  AVIARY_ASSIGN_OR_RETURN(SidecarConfig config, flagSet().parse(args, env));
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

std::string usage() { return flagSet().usage(); }

}  // namespace aviary::sidecar
