#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace aviary::controller {

// The controller's own metrics, prefixed aviary_controller_. Thread-safe.
// Per-ModelDeployment gauges (labels namespace, name), refreshed from the informer cache by
// setRolloutsFrom:
//   aviary_controller_rollout_phase{phase}            1, the current status.phase
//   aviary_controller_canary_weight                   status.canaryWeight
//   aviary_controller_rollout_condition{type,status,reason}  1 per status.conditions entry
//   aviary_controller_analysis_value{revision,metric} latest value of each gate (of the canary)
//   aviary_controller_analysis_threshold{metric,bound}  spec.analysis.metrics[].max / .min
// and aviary_controller_leader: 1 while this replica runs the controller, 0 while it stands by.
class ControllerMetrics {
 public:
  explicit ControllerMetrics(prometheus::Registry& registry);

  void observeReconcile(std::chrono::duration<double> took, bool ok);
  void setQueueDepth(std::size_t depth);
  // Number of ModelDeployments per phase; phases absent from `counts` are set to 0.
  void setRollouts(const std::map<std::string, int>& counts);
  // The phase counts and the per-ModelDeployment gauges of `model_deployments` (objects as the
  // API server returns them); series of ModelDeployments no longer listed are removed.
  void setRolloutsFrom(const std::vector<std::shared_ptr<const nlohmann::json>>& model_deployments);
  void setLeader(bool leading);
  void countOutcome(const api::HistoryEntry& entry);
  void countAnalysis(const api::MetricResult& result);
  // One answer of the API server to this process (kube::RestClient's request observer), as
  // aviary_controller_kube_requests_total{verb, resource, code}: what aviary itself costs the
  // API server, apart from every other client.
  void countKubeRequest(std::string_view method, std::string_view target, int status);
  // An audit record the --audit-webhook could not take or deliver
  // (aviary_controller_audit_dropped_total).
  void countAuditDropped();

 private:
  prometheus::Family<prometheus::Histogram>& reconcile_duration_;
  prometheus::Gauge& queue_depth_;
  prometheus::Family<prometheus::Gauge>& rollouts_;
  prometheus::Family<prometheus::Counter>& promotions_;
  prometheus::Family<prometheus::Counter>& rollbacks_;
  prometheus::Family<prometheus::Counter>& analysis_;
  prometheus::Family<prometheus::Counter>& kube_requests_;
  prometheus::Gauge& leader_;
  // A per-ModelDeployment gauge family and the series it holds, so a refresh can drop the rest.
  struct Tracked {
    prometheus::Family<prometheus::Gauge>& family;
    std::map<prometheus::Labels, prometheus::Gauge*> series;
    void refresh(const std::map<prometheus::Labels, double>& values);
  };
  Tracked phase_;
  Tracked weight_;
  Tracked condition_;
  Tracked value_;
  Tracked threshold_;
  prometheus::Counter& audit_dropped_;
  std::mutex mutex_;  // prometheus-cpp's Family::Add is thread-safe; this guards the phase set
};

}  // namespace aviary::controller
