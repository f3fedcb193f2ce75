#include "sidecar/app/sidecar_app.h"

#include <spdlog/spdlog.h>

#include "sidecar/drift/reference_profile.h"
#include "sidecar/loader/artifact_fetcher.h"
#include "sidecar/loader/model_loader.h"

namespace aviary::sidecar {
namespace {

ModelIdentity identityOf(const SidecarConfig& config) {
  return ModelIdentity{config.model_name, config.model_version, config.revision, config.runtime};
}

int workerThreads(const SidecarConfig& config) {
  if (config.threads > 0) return config.threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

std::shared_ptr<Accounting> makeAccounting(const SidecarConfig& config, SidecarMetrics& metrics) {
  if (config.reference.empty() && config.group_input.empty()) return nullptr;
  auto accounting =
      Accounting::create(metrics, AccountingOptions{config.drift_window, config.fairness_window,
                                                    config.positive_threshold, /*max_groups=*/64});
  if (!accounting) {
    spdlog::error("drift and fairness accounting disabled: {}", accounting.error().message);
    return nullptr;
  }
  return *accounting;
}

std::vector<InferenceObserver::Ptr> observersOf(const std::shared_ptr<Accounting>& accounting) {
  if (!accounting) return {};
  return {accounting};
}

}  // namespace

SidecarApp::SidecarApp(SidecarConfig config)
    : config_(std::move(config)),
      host_(identityOf(config_)),
      metrics_(host_.identity()),
      audit_(makeAuditLogger(config_.audit_log), config_.audit_sample_rate, config_.audit_payloads),
      accounting_(makeAccounting(config_, metrics_)),
      service_(host_, metrics_, audit_, observersOf(accounting_),
               OipOptions{config_.group_input, /*serve_metrics=*/!config_.metrics_port}) {
  service_.registerRoutes(router_);
  http::ServerOptions options;
  options.address = config_.address;
  options.port = config_.port;
  options.threads = workerThreads(config_);
  options.max_body_bytes = config_.max_body_bytes;
  server_ = http::makeServer(
      options, [this](const http::Request& request) { return router_.dispatch(request); });
  if (config_.metrics_port) {
    metrics_router_.add("GET", "/metrics", [this](const http::Request&, const http::PathParams&) {
      return http::Response{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.scrape(), {}};
    });
    http::ServerOptions metrics_options;
    metrics_options.address = config_.address;
    metrics_options.port = *config_.metrics_port;
    metrics_options.threads = 1;
    metrics_options.max_body_bytes = 4096;
    metrics_server_ = http::makeServer(metrics_options, [this](const http::Request& request) {
      return metrics_router_.dispatch(request);
    });
  }
}

SidecarApp::~SidecarApp() { shutdown(); }

Status SidecarApp::start() {
  AVIARY_RETURN_IF_ERROR(server_->start());
  if (metrics_server_) {
    auto started = metrics_server_->start();
    if (!started) {
      server_->drain(std::chrono::milliseconds(0));
      return started;
    }
  }
  spdlog::info("listening on {}:{} (metrics on port {}), {} workers", config_.address,
               server_->port(), metricsPort().value_or(server_->port()), workerThreads(config_));
  loader_ = std::thread([this] { load(); });
  if (accounting_) publisher_ = std::thread([this] { publishLoop(); });
  return {};
}

void SidecarApp::load() {
  ModelSource source;
  source.uri = config_.model_uri;
  source.runtime = config_.runtime;
  source.sha256 = config_.sha256;
  source.fetch.max_bytes = config_.max_model_bytes;
  source.fetch.ca_file = config_.ca_file;
  source.limits.memory_bytes = config_.max_model_memory;
  source.limits.timeout = config_.model_load_timeout;
  spdlog::info("loading model {} revision {} from {}", config_.model_name, config_.revision,
               config_.model_uri);
  auto runtime = loadModel(source);
  if (!runtime) {
    const std::string reason = fmt::format("failed to load: {}", runtime.error().message);
    spdlog::error("model {} {}", config_.model_name, reason);
    host_.setFailed(reason);
    return;
  }
  const ModelMetadata& metadata = (*runtime)->metadata();
  // The reference goes in before readiness, so that drift counts every request served.
  loadReference(metadata.num_features);
  host_.setReady(*runtime);
  metrics_.setReady(true);
  spdlog::info("model {} ready: {} features, objective {}", config_.model_name,
               metadata.num_features, metadata.objective);
}

// A reference profile that cannot be used disables drift only: the model keeps serving, and the
// error is logged; the gates then see no drift data, which they treat as no data, not a pass.
void SidecarApp::loadReference(std::size_t features) {
  if (!accounting_ || config_.reference.empty()) return;
  FetchOptions options;
  options.max_bytes = config_.max_model_bytes;
  options.ca_file = config_.ca_file;
  auto text = fetchArtifact(config_.reference, options);
  if (!text) {
    spdlog::error("drift disabled: fetching reference {}: {}", config_.reference,
                  text.error().message);
    return;
  }
  auto profile = drift::ReferenceProfile::parse(*text);
  if (!profile) {
    spdlog::error("drift disabled: reference {}: {}", config_.reference, profile.error().message);
    return;
  }
  if (profile->width() != features) {
    spdlog::error("drift disabled: reference {} has {} features, the model {}", config_.reference,
                  profile->width(), features);
    return;
  }
  if (auto set = accounting_->setReference(std::move(*profile)); !set) {
    spdlog::error("drift disabled: {}", set.error().message);
    return;
  }
  spdlog::info("drift against reference {} over the last {} rows", config_.reference,
               config_.drift_window);
}

void SidecarApp::publishLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, config_.accounting_interval, [this] { return stopping_; });
    lock.unlock();
    publishAccounting();
    lock.lock();
  }
}

void SidecarApp::publishAccounting() {
  if (accounting_) accounting_->publish();
}

void SidecarApp::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  service_.startDraining();
  metrics_.setReady(false);
  if (config_.shutdown_delay.count() > 0) std::this_thread::sleep_for(config_.shutdown_delay);
  spdlog::info("draining: no new connections, waiting up to {} ms for in-flight requests",
               config_.drain_timeout.count());
  server_->drain(config_.drain_timeout);
  if (metrics_server_) metrics_server_->drain(std::chrono::seconds(1));
  if (loader_.joinable()) loader_.join();
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (publisher_.joinable()) publisher_.join();
}

uint16_t SidecarApp::port() const { return server_->port(); }

std::optional<uint16_t> SidecarApp::metricsPort() const {
  if (!metrics_server_) return std::nullopt;
  return metrics_server_->port();
}

}  // namespace aviary::sidecar
