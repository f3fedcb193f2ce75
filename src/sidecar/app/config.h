#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/flags.h"
#include "common/result.h"

namespace aviary::sidecar {

// Everything aviary-sidecar is told at start. Each field has a flag and an AVIARY_* variable;
// src/sidecar/README.md lists them.
struct SidecarConfig {
  std::string model_name;
  std::string model_version;
  std::string revision;  // defaults to model_version, else "unknown"
  std::string model_uri;
  std::string sha256;
  std::string runtime = "xgboost";
  std::string reference;    // drift reference profile URI (optional)
  std::string group_input;  // request input holding each row's group (optional)
  std::string address = "0.0.0.0";
  uint16_t port = 8080;
  std::optional<uint16_t> metrics_port;  // absent: /metrics on the main listener
  int threads = 0;                       // 0: one per core
  std::size_t max_body_bytes = 8u << 20;
  std::size_t max_model_bytes = std::size_t{1} << 30;
  std::size_t max_model_memory = std::size_t{4} << 30;
  std::chrono::milliseconds model_load_timeout{120000};
  std::string ca_file;
  std::string audit_log = "-";
  double audit_sample_rate = 1.0;
  bool audit_payloads = false;
  std::chrono::milliseconds shutdown_delay{0};
  std::chrono::milliseconds drain_timeout{30000};
  std::size_t drift_window = 1000;
  std::size_t fairness_window = 1000;
  double positive_threshold = 0.5;
  std::chrono::milliseconds accounting_interval{5000};
  std::string port_file;
  std::string log_level = "info";
  std::string log_format = "json";
  bool help = false;
};

// Looks up an environment variable; returns nothing when unset.
using EnvLookup = Environment;

// Reads flags (`--name=value`, `--name value`, bare `--flag` for booleans) over AVIARY_*
// variables over defaults, through one common/flags table. Errors are InvalidArgument naming the
// flag.
Result<SidecarConfig> parseConfig(std::span<const std::string_view> args, const EnvLookup& env);

// The flag reference printed by --help.
std::string usage();

}  // namespace aviary::sidecar
