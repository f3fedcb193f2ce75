#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "common/result.h"
#include "controller/act.h"
#include "controller/analysis_round.h"
#include "controller/card_writer.h"
#include "controller/drift_monitor.h"
#include "controller/manifests.h"
#include "governance/audit.h"
#include "kube/client.h"
#include "kube/events.h"
#include "kube/workqueue.h"
#include "router/router.h"

namespace aviary::controller {

// The router that serves a traffic provider (one instance serves every ModelDeployment), or an
// error: Unimplemented for a provider this build does not support.
using RouterLookup = std::function<Result<router::Router*>(api::TrafficProvider provider)>;

// Observers of what reconciles find, for the controller's metrics. Any may be empty.
struct ReconcileHooks {
  std::function<void(const api::MetricResult& result)> on_analysis;
  std::function<void(const api::HistoryEntry& entry)> on_outcome;  // a rollout ended
  // Every decision (each Event a reconcile emitted), once its status is written: the audit trail.
  std::function<void(const governance::AuditRecord& record)> on_decision;
};

struct ReconcilerDeps {
  kube::KubeClient::Ptr kube;  // writes, and fresh reads after a conflict
  ObjectLookup model_deployments;
  ObjectLookup deployments;
  ObjectLookup services;
  RouterLookup routers;
  ProviderLookup providers;  // metric providers
  std::shared_ptr<kube::EventRecorder> events;
  Clock::Ptr clock;
  SidecarDefaults sidecar;
  ReconcileHooks hooks;
  CardWriter::Ptr cards;    // null: no model cards
  DriftMonitor::Ptr drift;  // null: spec.monitoring is not acted on
};

// One ModelDeployment brought one step closer to its spec: observe, decide (rollout::decide),
// act, write the status. Thread-safe for distinct keys (the work queue never hands one key to two
// workers); holds no state between calls.
//
// Error policy: an invalid spec or an unsupported provider is recorded in the status and is
// success (retrying cannot fix it). A failed write is an error: the queue retries it with backoff,
// and the actions already applied are idempotent. A status Conflict reads the object again and
// decides again, a few times, before it becomes an error.
class Reconciler {
 public:
  explicit Reconciler(ReconcilerDeps deps);

  // `key` is "namespace/name".
  Result<kube::ReconcileResult> reconcile(const std::string& key);

 private:
  Result<kube::ReconcileResult> reconcileOnce(const std::string& key, kube::Json md);

  ReconcilerDeps deps_;
};

}  // namespace aviary::controller
