#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "api/status.h"

namespace aviary::controller {

// The controller's own metrics, prefixed aviary_controller_. Thread-safe.
class ControllerMetrics {
 public:
  explicit ControllerMetrics(prometheus::Registry& registry);

  void observeReconcile(std::chrono::duration<double> took, bool ok);
  void setQueueDepth(std::size_t depth);
  // Number of ModelDeployments per phase; phases absent from `counts` are set to 0.
  void setRollouts(const std::map<std::string, int>& counts);
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
  prometheus::Counter& audit_dropped_;
  std::mutex mutex_;  // prometheus-cpp's Family::Add is thread-safe; this guards the phase set
};

}  // namespace aviary::controller
