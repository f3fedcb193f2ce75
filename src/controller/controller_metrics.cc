#include "controller/controller_metrics.h"

#include "api/names.h"
#include "kube/request_path.h"

namespace aviary::controller {
namespace {

const prometheus::Histogram::BucketBoundaries kReconcileBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

}  // namespace

ControllerMetrics::ControllerMetrics(prometheus::Registry& registry)
    : reconcile_duration_(prometheus::BuildHistogram()
                              .Name("aviary_controller_reconcile_duration_seconds")
                              .Help("Time one reconcile of a ModelDeployment took, by result")
                              .Register(registry)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("aviary_controller_queue_depth")
                       .Help("ModelDeployments waiting in the work queue")
                       .Register(registry)
                       .Add({})),
      rollouts_(prometheus::BuildGauge()
                    .Name("aviary_controller_rollouts")
                    .Help("ModelDeployments by status.phase")
                    .Register(registry)),
      promotions_(prometheus::BuildCounter()
                      .Name("aviary_controller_promotions_total")
                      .Help("Rollouts that ended with the canary promoted, by reason")
                      .Register(registry)),
      rollbacks_(prometheus::BuildCounter()
                     .Name("aviary_controller_rollbacks_total")
                     .Help("Rollouts rolled back or aborted, by reason")
                     .Register(registry)),
      analysis_(prometheus::BuildCounter()
                    .Name("aviary_controller_analysis_results_total")
                    .Help("Analysis gate results, by metric and result")
                    .Register(registry)),
      kube_requests_(prometheus::BuildCounter()
                         .Name("aviary_controller_kube_requests_total")
                         .Help("Answers of the API server to this process, by verb, resource "
                               "and HTTP code")
                         .Register(registry)),
      audit_dropped_(prometheus::BuildCounter()
                         .Name("aviary_controller_audit_dropped_total")
                         .Help("Audit records the audit webhook dropped: its queue was full or "
                               "every attempt to deliver them failed")
                         .Register(registry)
                         .Add({})) {}

void ControllerMetrics::countAuditDropped() { audit_dropped_.Increment(); }

void ControllerMetrics::observeReconcile(std::chrono::duration<double> took, bool ok) {
  reconcile_duration_.Add({{"result", ok ? "success" : "error"}}, kReconcileBuckets)
      .Observe(took.count());
}

void ControllerMetrics::setQueueDepth(std::size_t depth) {
  queue_depth_.Set(static_cast<double>(depth));
}

void ControllerMetrics::setRollouts(const std::map<std::string, int>& counts) {
  std::lock_guard lock(mutex_);
  for (const auto& [phase, name] : api::EnumNames<api::Phase>::kTable) {
    const auto it = counts.find(std::string(name));
    rollouts_.Add({{"phase", std::string(name)}}).Set(it == counts.end() ? 0 : it->second);
  }
}

void ControllerMetrics::countOutcome(const api::HistoryEntry& entry) {
  auto& family = entry.outcome == api::Outcome::kPromoted ? promotions_ : rollbacks_;
  family.Add({{"reason", entry.reason}}).Increment();
}

void ControllerMetrics::countAnalysis(const api::MetricResult& result) {
  analysis_.Add({{"metric", result.name}, {"result", std::string(api::enumName(result.result))}})
      .Increment();
}

void ControllerMetrics::countKubeRequest(std::string_view method, std::string_view target,
                                         int status) {
  kube::RequestKind kind = kube::requestKindOf(method, target);
  kube_requests_
      .Add({{"verb", std::move(kind.verb)},
            {"resource", std::move(kind.resource)},
            {"code", std::to_string(status)}})
      .Increment();
}

}  // namespace aviary::controller
