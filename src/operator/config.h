#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/duration.h"
#include "common/flags.h"
#include "common/result.h"

namespace aviary::operator_app {

// aviary-controller's flags; each has an AVIARY_* variable (config.cc binds them, with help).
struct OperatorConfig {
  std::string kubeconfig;  // "": in-cluster, else $KUBECONFIG
  std::string context;
  std::vector<std::string> namespaces;  // empty: all
  int workers = 4;
  double kube_qps = 20;
  int kube_burst = 30;
  std::string prometheus_url;
  Duration prometheus_timeout = std::chrono::seconds{10};
  std::string prometheus_bearer_token_file;
  std::string prometheus_username;
  std::string prometheus_password_file;
  std::string prometheus_ca_file;
  std::string sidecar_image = "aviary-sidecar:latest";
  std::string sidecar_cpu_request;
  std::string sidecar_memory_request;
  std::vector<std::string> sidecar_extra_args;
  std::string audit_webhook;  // "": none
  std::string audit_spool;    // "": the webhook's queue is in memory only
  std::string http_address = "0.0.0.0:8080";
  bool leader_elect = true;
  std::string leader_election_namespace;  // "": the pod's namespace, else "default"
  std::string leader_election_id = "aviary-controller";
  std::string log_format;  // text|json; "": json in a cluster, text outside
  std::string log_level = "info";
  bool help = false;
};

Result<OperatorConfig> parseConfig(std::span<const std::string_view> args, const Environment& env);
std::string usage();

// "host:port" split; error InvalidArgument naming --http-address.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
Result<HostPort> parseHostPort(std::string_view text);

}  // namespace aviary::operator_app
