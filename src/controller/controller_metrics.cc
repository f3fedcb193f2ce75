#include "controller/controller_metrics.h"

#include <initializer_list>
#include <utility>

#include "api/names.h"
#include "kube/request_path.h"
#include "rollout/reasons.h"

namespace aviary::controller {
namespace {

const prometheus::Histogram::BucketBoundaries kReconcileBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

// Rollback reasons whose counters exist from the start at 0, so that the first rollback is an
// increase that a rate() or increase() alert sees (a series born at 1 shows none).
constexpr const char* kRollbackReasons[] = {rollout::kFailedChecks,
                                            rollout::kProgressDeadlineExceeded, rollout::kAborted,
                                            rollout::kRevertedToStable, rollout::kPromotionStuck};

prometheus::Family<prometheus::Gauge>& gauge(prometheus::Registry& registry, const char* name,
                                             const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

using Json = nlohmann::json;

std::string text(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// object[key] without a copy (the spec carries a whole pod template), or an empty value.
const Json& child(const Json& object, const char* key) {
  static const Json kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

// The elements of an array member, or none.
const Json::array_t& items(const Json& object, const char* key) {
  static const Json::array_t kNone;
  const Json& value = child(object, key);
  return value.is_array() ? value.get_ref<const Json::array_t&>() : kNone;
}

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
      leader_(gauge(registry, "aviary_controller_leader",
                    "1 while this replica runs the controller (holds the leader Lease), else 0")
                  .Add({})),
      phase_{gauge(registry, "aviary_controller_rollout_phase",
                   "1 for each ModelDeployment, labelled with its status.phase"),
             {}},
      weight_{gauge(registry, "aviary_controller_canary_weight",
                    "Percent of traffic a ModelDeployment sends to its canary"),
              {}},
      condition_{gauge(registry, "aviary_controller_rollout_condition",
                       "1 for each status condition of a ModelDeployment (type, status, reason)"),
                 {}},
      value_{gauge(registry, "aviary_controller_analysis_value",
                   "Latest value of each analysis gate, labelled with the revision it measured"),
             {}},
      threshold_{gauge(registry, "aviary_controller_analysis_threshold",
                       "Bound of each analysis gate from the spec (bound max or min)"),
                 {}},
      audit_dropped_(prometheus::BuildCounter()
                         .Name("aviary_controller_audit_dropped_total")
                         .Help("Audit records the audit webhook dropped: its queue was full or "
                               "every attempt to deliver them failed")
                         .Register(registry)
                         .Add({})) {
  for (const char* reason : kRollbackReasons) rollbacks_.Add({{"reason", reason}});
}

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

void ControllerMetrics::setLeader(bool leading) { leader_.Set(leading ? 1 : 0); }

void ControllerMetrics::Tracked::refresh(const std::map<prometheus::Labels, double>& values) {
  for (auto it = series.begin(); it != series.end();) {
    if (values.contains(it->first)) {
      ++it;
    } else {
      family.Remove(it->second);
      it = series.erase(it);
    }
  }
  for (const auto& [labels, value] : values) {
    auto [it, added] = series.try_emplace(labels, nullptr);
    if (added) it->second = &family.Add(labels);
    it->second->Set(value);
  }
}

void ControllerMetrics::setRolloutsFrom(
    const std::vector<std::shared_ptr<const nlohmann::json>>& model_deployments) {
  std::map<std::string, int> counts;
  std::map<prometheus::Labels, double> phases, weights, conditions, values, thresholds;
  for (const auto& md : model_deployments) {
    if (!md || !md->is_object()) continue;
    const Json& metadata = child(*md, "metadata");
    const Json& status = child(*md, "status");
    const prometheus::Labels id = {{"namespace", text(metadata, "namespace")},
                                   {"name", text(metadata, "name")}};
    auto with = [&id](std::initializer_list<std::pair<const std::string, std::string>> more) {
      prometheus::Labels labels = id;
      labels.insert(more);
      return labels;
    };
    std::string phase = text(status, "phase");
    if (phase.empty()) phase = "Initializing";
    counts[phase] += 1;
    phases[with({{"phase", phase}})] = 1;
    const Json& weight = child(status, "canaryWeight");
    weights[id] = weight.is_number() ? weight.get<double>() : 0;
    for (const Json& c : items(status, "conditions")) {
      if (!c.is_object()) continue;
      conditions[with({{"type", text(c, "type")},
                       {"status", text(c, "status")},
                       {"reason", text(c, "reason")}})] = 1;
    }
    // The analysis measured the canary; once promoted there is none, and its values go.
    const std::string revision = text(status, "canaryRevision");
    for (const Json& r : items(status, "analysis")) {
      const Json& value = child(r, "value");
      if (revision.empty() || !value.is_number()) continue;
      values[with({{"revision", revision}, {"metric", text(r, "name")}})] = value.get<double>();
    }
    for (const Json& m : items(child(child(*md, "spec"), "analysis"), "metrics")) {
      if (!m.is_object()) continue;
      for (const char* bound : {"max", "min"}) {
        const Json& limit = child(m, bound);
        if (limit.is_number()) {
          thresholds[with({{"metric", text(m, "name")}, {"bound", bound}})] = limit.get<double>();
        }
      }
    }
  }
  setRollouts(counts);
  std::lock_guard lock(mutex_);
  phase_.refresh(phases);
  weight_.refresh(weights);
  condition_.refresh(conditions);
  value_.refresh(values);
  threshold_.refresh(thresholds);
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
