#include "operator/config.h"

#include <charconv>

namespace aviary::operator_app {
namespace {

FlagSet<OperatorConfig> flagSet() {
  using C = OperatorConfig;
  FlagSet<C> f("aviary-controller", "[flags]");
  f.add("kubeconfig", "AVIARY_KUBECONFIG", &C::kubeconfig,
        "kubeconfig file (default: in-cluster, else $KUBECONFIG)");
  f.add("context", "AVIARY_CONTEXT", &C::context, "kubeconfig context (default: current)");
  f.add("namespaces", "AVIARY_NAMESPACES", &C::namespaces,
        "comma list of namespaces to watch (default: all)");
  f.add("workers", "AVIARY_WORKERS", &C::workers, "concurrent reconciles (4)",
        flags::positive<int>());
  f.add("kube-qps", "AVIARY_KUBE_QPS", &C::kube_qps, "API requests per second (20)",
        flags::positive<double>());
  f.add("kube-burst", "AVIARY_KUBE_BURST", &C::kube_burst, "API request burst (30)",
        flags::positive<int>());
  f.add("prometheus-url", "AVIARY_PROMETHEUS_URL", &C::prometheus_url,
        "default Prometheus for analysis, e.g. http://prometheus:9090");
  f.add("prometheus-timeout", "AVIARY_PROMETHEUS_TIMEOUT", &C::prometheus_timeout,
        "limit on one query (10s)", flags::positive<Duration>());
  f.add("prometheus-bearer-token-file", "AVIARY_PROMETHEUS_BEARER_TOKEN_FILE",
        &C::prometheus_bearer_token_file, "bearer token for Prometheus, re-read on change");
  f.add("prometheus-username", "AVIARY_PROMETHEUS_USERNAME", &C::prometheus_username,
        "basic-auth user for Prometheus");
  f.add("prometheus-password-file", "AVIARY_PROMETHEUS_PASSWORD_FILE", &C::prometheus_password_file,
        "basic-auth password file for Prometheus");
  f.add("prometheus-ca-file", "AVIARY_PROMETHEUS_CA_FILE", &C::prometheus_ca_file,
        "PEM CAs trusted for an https Prometheus");
  f.add("audit-webhook", "AVIARY_AUDIT_WEBHOOK", &C::audit_webhook,
        "URL that receives every rollout decision as a JSON POST, at least once (none)");
  f.add("audit-spool", "AVIARY_AUDIT_SPOOL", &C::audit_spool,
        "directory where decisions wait for the audit webhook, so a restart loses none (none)");
  f.add("sidecar-image", "AVIARY_SIDECAR_IMAGE", &C::sidecar_image,
        "image of the aviary-sidecar container (aviary-sidecar:latest)");
  f.add("sidecar-cpu-request", "AVIARY_SIDECAR_CPU_REQUEST", &C::sidecar_cpu_request,
        "the sidecar's CPU request, e.g. 250m (none)");
  f.add("sidecar-memory-request", "AVIARY_SIDECAR_MEMORY_REQUEST", &C::sidecar_memory_request,
        "the sidecar's memory request, e.g. 256Mi (none)");
  f.add("sidecar-extra-args", "AVIARY_SIDECAR_EXTRA_ARGS", &C::sidecar_extra_args,
        "comma list of flags added to every sidecar");
  f.add("http-address", "AVIARY_HTTP_ADDRESS", &C::http_address,
        "host:port of /metrics, /healthz, /readyz (0.0.0.0:8080)");
  f.add("leader-elect", "AVIARY_LEADER_ELECT", &C::leader_elect,
        "run only while holding the leader Lease (true)");
  f.add("leader-election-namespace", "AVIARY_LEADER_ELECTION_NAMESPACE",
        &C::leader_election_namespace, "namespace of the Lease (the pod's, else default)");
  f.add("leader-election-id", "AVIARY_LEADER_ELECTION_ID", &C::leader_election_id,
        "name of the Lease (aviary-controller)");
  f.add("log-format", "AVIARY_LOG_FORMAT", &C::log_format,
        "text or json (json in a cluster, text outside)", flags::oneOf({"", "text", "json"}));
  f.add("log-level", "AVIARY_LOG_LEVEL", &C::log_level, "debug, info, warn or error (info)",
        flags::oneOf({"debug", "info", "warn", "error"}));
  f.add("help", "", &C::help, "print this and exit");
  return f;
}

}  // namespace

Result<OperatorConfig> parseConfig(std::span<const std::string_view> args, const Environment& env) {
  AVIARY_ASSIGN_OR_RETURN(OperatorConfig config, flagSet().parse(args, env));
  if (!config.help) AVIARY_RETURN_IF_ERROR(parseHostPort(config.http_address));
  if (!config.audit_spool.empty() && config.audit_webhook.empty()) {
    return fail(ErrorCode::kInvalidArgument, "--audit-spool needs --audit-webhook");
  }
  return config;
}

std::string usage() { return flagSet().usage(); }

Result<HostPort> parseHostPort(std::string_view text) {
  const auto colon = text.rfind(':');
  HostPort out;
  if (colon == std::string_view::npos) {
    return fail(ErrorCode::kInvalidArgument, "--http-address: expected host:port");
  }
  out.host = std::string(text.substr(0, colon));
  if (out.host.empty()) out.host = "0.0.0.0";
  const std::string_view port = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc{} || end != port.data() + port.size()) {
    return fail(ErrorCode::kInvalidArgument,
                "--http-address: bad port '" + std::string(port) + "'");
  }
  return out;
}

}  // namespace aviary::operator_app
