#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "controller/analysis_round.h"
#include "controller/audit_webhook.h"
#include "controller/controller_metrics.h"
#include "controller/drift_monitor.h"
#include "controller/manifests.h"
#include "controller/reconciler.h"
#include "kube/client.h"
#include "kube/events.h"
#include "kube/informer.h"
#include "kube/workqueue.h"

namespace aviary::controller {

struct ControllerOptions {
  std::vector<std::string> namespaces;  // empty: every namespace
  int workers = 4;
  SidecarDefaults sidecar;
  // Receives every decision beside the audit log line (--audit-webhook); null: none.
  std::shared_ptr<AuditWebhook> audit_webhook;
  // Delivers spec.monitoring.drift's episodes; null: over HTTP (makeHttpDriftNotifier).
  DriftNotifier::Ptr drift_notifier;
};

// The ModelDeployment controller: informers on ModelDeployments and on the Deployments and
// Services aviary manages (a change to one queues its ModelDeployment), a work queue, and
// `workers` reconcilers reading only from the informers' caches.
class Controller {
 public:
  Controller(kube::KubeClient::Ptr kube, ControllerOptions options, RouterLookup routers,
             ProviderLookup providers, std::shared_ptr<kube::EventRecorder> events,
             Clock::Ptr clock, std::shared_ptr<ControllerMetrics> metrics);

  // Lists and watches, waits for the caches, then reconciles until `stop`. Returns when every
  // worker has finished its key.
  void run(std::stop_token stop);
  // True once every informer has listed (for /readyz).
  bool synced() const { return synced_.load(); }

 private:
  using Informers = std::map<std::string, kube::Informer::Ptr>;  // namespace ("" = all) ->
  Informers makeInformers(const kube::ResourceRef& kind, const std::string& selector) const;
  ObjectLookup lookupIn(const Informers& informers) const;
  void publishMetrics(std::stop_token stop);

  kube::KubeClient::Ptr kube_;
  ControllerOptions options_;
  Clock::Ptr clock_;
  std::shared_ptr<ControllerMetrics> metrics_;
  kube::WorkQueue queue_;
  Informers model_deployments_;
  Informers deployments_;
  Informers services_;
  std::unique_ptr<Reconciler> reconciler_;
  std::atomic<bool> synced_{false};
};

}  // namespace aviary::controller
