#include "operator/operator_app.h"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <thread>

#include "common/clock.h"
#include "controller/controller.h"
#include "controller/controller_metrics.h"
#include "http/server.h"
#include "kube/config.h"
#include "kube/events.h"
#include "kube/leader_election.h"
#include "kube/rest_client.h"
#include "operator/providers.h"

namespace aviary::operator_app {
namespace {

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "aviary-controller";
  return name;
}

std::string randomSuffix() {
  std::random_device device;
  return std::to_string(std::uniform_int_distribution<int>(10000, 99999)(device));
}

// --kubeconfig when given; else in-cluster; else $KUBECONFIG (and kubectl's default file).
Result<kube::RestConfig> restConfig(const OperatorConfig& config) {
  Result<kube::RestConfig> rest = fail(ErrorCode::kNotFound, "");
  if (!config.kubeconfig.empty()) {
    rest = kube::loadKubeconfig(config.kubeconfig, config.context);
  } else {
    rest = kube::inClusterConfig();
    if (!rest && rest.error().code == ErrorCode::kNotFound)
      rest = kube::loadConfig("", config.context);
  }
  if (!rest) return fail(rest.error().withContext("loading the Kubernetes client config"));
  rest->qps = config.kube_qps;
  rest->burst = config.kube_burst;
  rest->user_agent = "aviary-controller";
  return rest;
}

// How long a stopping controller waits for the audit webhook to deliver what is queued.
constexpr std::chrono::seconds kAuditDrain{5};

std::string leaseNamespace(const OperatorConfig& config) {
  if (!config.leader_election_namespace.empty()) return config.leader_election_namespace;
  std::ifstream in(kube::InClusterPaths{}.namespace_file);
  std::string ns;
  if (in && std::getline(in, ns) && !ns.empty()) return ns;
  return "default";
}

}  // namespace

struct OperatorApp::Parts {
  OperatorConfig config;
  Clock::Ptr clock = std::make_shared<SystemClock>();
  std::shared_ptr<kube::RestClient> kube;
  std::shared_ptr<kube::RestClient> lease_kube;  // its own token bucket: renewals never queue
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<kube::EventRecorder> events;
  std::shared_ptr<controller::ControllerMetrics> metrics;
  std::unique_ptr<Providers> providers;
  std::unique_ptr<controller::Controller> controller;
  std::shared_ptr<controller::AuditWebhook> audit_webhook;  // null: no --audit-webhook
  std::unique_ptr<kube::LeaderElector> elector;
  http::Server::Ptr server;
};

OperatorApp::OperatorApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
OperatorApp::~OperatorApp() = default;

Result<std::unique_ptr<OperatorApp>> OperatorApp::create(const OperatorConfig& config) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  AVIARY_ASSIGN_OR_RETURN(const kube::RestConfig rest, restConfig(config));
  AVIARY_ASSIGN_OR_RETURN(parts->kube, kube::RestClient::create(rest));
  parts->metrics = std::make_shared<controller::ControllerMetrics>(*parts->registry);
  auto count_request = [metrics = parts->metrics](std::string_view method, std::string_view target,
                                                  int status) {
    metrics->countKubeRequest(method, target, status);
  };
  parts->kube->setRequestObserver(count_request);
  AVIARY_ASSIGN_OR_RETURN(parts->providers, Providers::create(config, parts->kube));

  const std::string identity = hostname() + "-" + randomSuffix();
  kube::EventRecorderOptions event_options;
  event_options.reporting_instance = identity;
  parts->events = std::make_shared<kube::EventRecorder>(parts->kube, parts->clock, event_options);

  controller::ControllerOptions options;
  options.namespaces = config.namespaces;
  options.workers = config.workers;
  options.sidecar = {.image = config.sidecar_image,
                     .cpu_request = config.sidecar_cpu_request,
                     .memory_request = config.sidecar_memory_request,
                     .extra_args = config.sidecar_extra_args};
  if (!config.audit_webhook.empty()) {
    auto on_drop = [metrics = parts->metrics] { metrics->countAuditDropped(); };
    controller::AuditWebhookOptions audit_options;
    audit_options.spool_dir = config.audit_spool;
    AVIARY_ASSIGN_OR_RETURN(
        auto webhook,
        controller::AuditWebhook::make(config.audit_webhook, audit_options, std::move(on_drop)));
    parts->audit_webhook = std::move(webhook);
    options.audit_webhook = parts->audit_webhook;
  }
  parts->controller = std::make_unique<controller::Controller>(
      parts->kube, options, parts->providers->routers(), parts->providers->metricProviders(),
      parts->events, parts->clock, parts->metrics);

  if (config.leader_elect) {
    AVIARY_ASSIGN_OR_RETURN(parts->lease_kube, kube::RestClient::create(rest));
    parts->lease_kube->setRequestObserver(count_request);
    kube::LeaderElectionConfig election;
    election.lease_namespace = leaseNamespace(config);
    election.lease_name = config.leader_election_id;
    election.identity = identity;
    parts->elector =
        std::make_unique<kube::LeaderElector>(parts->lease_kube, election, parts->clock);
  }

  AVIARY_ASSIGN_OR_RETURN(const HostPort address, parseHostPort(config.http_address));
  http::ServerOptions server_options;
  server_options.address = address.host;
  server_options.port = address.port;
  Parts* p = parts.get();
  parts->server = http::makeServer(server_options, [p](const http::Request& request) {
    http::Response response;
    response.content_type = "text/plain; charset=utf-8";
    if (request.path == "/metrics") {
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = prometheus::TextSerializer().Serialize(p->registry->Collect());
    } else if (request.path == "/healthz") {
      response.body = "ok\n";
    } else if (request.path == "/readyz") {
      // A standby is ready (it is waiting, as it should); the leader once its caches are synced.
      const bool standby = p->elector && !p->elector->isLeader();
      const bool ready = standby || p->controller->synced();
      response.status = ready ? 200 : 503;
      response.body = ready ? "ok\n" : "caches not synced\n";
    } else {
      response.status = 404;
      response.body = "not found\n";
    }
    return response;
  });
  return std::unique_ptr<OperatorApp>(new OperatorApp(std::move(parts)));
}

Status OperatorApp::run(std::stop_token stop) {
  Parts& p = *parts_;
  AVIARY_RETURN_IF_ERROR(p.server->start());
  spdlog::info("serving /metrics, /healthz, /readyz on {}", p.config.http_address);
  std::atomic<bool> lost{false};
  if (!p.elector) {
    p.metrics->setLeader(true);
    p.controller->run(stop);
    p.metrics->setLeader(false);
  } else {
    kube::LeaderCallbacks callbacks;
    callbacks.on_started_leading = [&p](std::stop_token leading) {
      spdlog::info("leading: starting the controller");
      p.metrics->setLeader(true);
      p.controller->run(leading);
    };
    callbacks.on_stopped_leading = [&p, &lost, &stop] {
      p.metrics->setLeader(false);
      if (!stop.stop_requested()) lost = true;
    };
    callbacks.on_new_leader = [](const std::string& identity) {
      spdlog::info("leader is {}", identity);
    };
    if (auto ran = p.elector->run(stop, callbacks); !ran) {
      return fail(ran.error().withContext("leader election"));
    }
  }
  p.events->stop();  // writes what is queued
  // The decisions of the last reconciles get a short chance to reach the receiver; what does not
  // stays in the spool (with --audit-spool) for the next start, else it is dropped and counted.
  if (p.audit_webhook && !p.audit_webhook->drain(kAuditDrain)) {
    spdlog::warn("audit webhook: decisions still undelivered after {}s at exit ({})",
                 kAuditDrain.count(),
                 p.config.audit_spool.empty() ? "dropped" : "kept in " + p.config.audit_spool);
  }
  p.server->drain(std::chrono::seconds{5});
  if (lost) return fail(ErrorCode::kFailedPrecondition, "lost the leader election");
  spdlog::info("stopped");
  return {};
}

}  // namespace aviary::operator_app
