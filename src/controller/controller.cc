#include "controller/controller.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "controller/audit_log.h"
#include "controller/names.h"
#include "kube/resource.h"

namespace aviary::controller {

Controller::Controller(kube::KubeClient::Ptr kube, ControllerOptions options, RouterLookup routers,
                       ProviderLookup providers, std::shared_ptr<kube::EventRecorder> events,
                       Clock::Ptr clock, std::shared_ptr<ControllerMetrics> metrics)
    : kube_(std::move(kube)),
      options_(std::move(options)),
      clock_(std::move(clock)),
      metrics_(std::move(metrics)),
      queue_(std::make_shared<SteadyClock>()),
      model_deployments_(makeInformers(kube::resources::kModelDeployments, "")),
      deployments_(makeInformers(kube::resources::kDeployments, kManagedBySelector)),
      services_(makeInformers(kube::resources::kServices, kManagedBySelector)) {
  for (auto& [ns, informer] : model_deployments_) informer->addHandler(kube::enqueueKeys(queue_));
  for (auto* owned : {&deployments_, &services_}) {
    for (auto& [ns, informer] : *owned)
      informer->addHandler(kube::enqueueOwner(queue_, "ModelDeployment"));
  }
  ReconcilerDeps deps{.kube = kube_,
                      .model_deployments = lookupIn(model_deployments_),
                      .deployments = lookupIn(deployments_),
                      .services = lookupIn(services_),
                      .routers = std::move(routers),
                      .providers = std::move(providers),
                      .events = std::move(events),
                      .clock = clock_,
                      .sidecar = options_.sidecar,
                      .hooks = {},
                      .cards = std::make_shared<CardWriter>(kube_),
                      .drift = nullptr};
  deps.drift = std::make_shared<DriftMonitor>(
      deps.providers, kube_,
      options_.drift_notifier ? options_.drift_notifier : makeHttpDriftNotifier());
  if (metrics_) {
    deps.hooks.on_analysis = [m = metrics_](const api::MetricResult& r) { m->countAnalysis(r); };
    deps.hooks.on_outcome = [m = metrics_](const api::HistoryEntry& e) { m->countOutcome(e); };
  }
  deps.hooks.on_decision = [webhook =
                                options_.audit_webhook](const governance::AuditRecord& record) {
    logAudit(record);
    if (webhook) webhook->send(record);
  };
  reconciler_ = std::make_unique<Reconciler>(std::move(deps));
}

Controller::Informers Controller::makeInformers(const kube::ResourceRef& kind,
                                                const std::string& selector) const {
  Informers informers;
  kube::InformerOptions options;
  options.label_selector = selector;
  // A periodic resync re-checks every rollout even if a watch event was missed.
  options.resync_period = std::chrono::minutes{10};
  const std::vector<std::string> all = {""};
  for (const std::string& ns : options_.namespaces.empty() ? all : options_.namespaces) {
    informers[ns] = std::make_shared<kube::Informer>(kube_, kind.in(ns), options);
  }
  return informers;
}

ObjectLookup Controller::lookupIn(const Informers& informers) const {
  return [&informers](const std::string& key) -> kube::ObjectPtr {
    if (auto all = informers.find(""); all != informers.end())
      return all->second->cache()->get(key);
    const auto it = informers.find(key.substr(0, key.find('/')));
    return it == informers.end() ? nullptr : it->second->cache()->get(key);
  };
}

void Controller::run(std::stop_token stop) {
  std::vector<std::jthread> threads;
  std::vector<kube::Informer::Ptr> all;
  for (auto* informers : {&model_deployments_, &deployments_, &services_}) {
    for (auto& [ns, informer] : *informers) {
      all.push_back(informer);
      threads.emplace_back([informer](std::stop_token own) { informer->run(own); });
    }
  }
  // The informers' threads stop with `stop` (and with this function, by jthread).
  std::stop_callback stop_informers(stop, [&threads] {
    for (auto& thread : threads) thread.request_stop();
  });
  for (const auto& informer : all) {
    while (!informer->waitForSync(stop, std::chrono::seconds{30})) {
      if (stop.stop_requested()) return;
      spdlog::warn("controller: still waiting for the first list of an informer");
    }
  }
  synced_ = true;
  spdlog::info("controller: caches synced; {} workers", options_.workers);
  std::jthread publisher([this](std::stop_token own) { publishMetrics(own); });
  std::stop_callback stop_publisher(stop, [&publisher] { publisher.request_stop(); });
  kube::runWorkers(
      queue_, options_.workers,
      [this](const std::string& key) {
        const auto start = std::chrono::steady_clock::now();
        auto result = reconciler_->reconcile(key);
        if (!result) spdlog::warn("{}: reconcile failed: {}", key, result.error().message);
        if (metrics_) {
          metrics_->observeReconcile(std::chrono::steady_clock::now() - start, result.has_value());
        }
        return result;
      },
      stop);
}

void Controller::publishMetrics(std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    if (metrics_) {
      metrics_->setQueueDepth(queue_.length());
      std::vector<kube::ObjectPtr> all;
      for (auto& [ns, informer] : model_deployments_) {
        for (kube::ObjectPtr& md : informer->cache()->list()) all.push_back(std::move(md));
      }
      metrics_->setRolloutsFrom(all);
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, std::chrono::seconds{5}, [] { return false; });
  }
}

}  // namespace aviary::controller
