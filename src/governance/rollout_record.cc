#include "governance/rollout_record.h"

#include <algorithm>

#include "api/names.h"
#include "governance/format.h"

namespace aviary::governance {

namespace {

template <typename T>
void pushBounded(std::vector<T>& items, T item, std::size_t max_size) {
  items.push_back(std::move(item));
  if (items.size() > max_size) items.erase(items.begin(), items.end() - max_size);
}

void add(RolloutRecord& record, const api::ModelDeploymentStatus& status, Timestamp at,
         std::string what, std::string detail) {
  pushBounded(record.timeline,
              TimelineEntry{at, std::move(what), status.current_step, status.canary_weight,
                            std::move(detail)},
              kMaxTimeline);
}

std::string roundDetail(const std::vector<api::MetricResult>& results, std::int32_t failed) {
  std::string detail;
  for (const auto& result : results) {
    if (!detail.empty()) detail += ", ";
    detail += result.name + "=" + formatNumber(result.value) + " " +
              std::string(api::enumName(result.result));
  }
  return detail + "; failed checks " + std::to_string(failed);
}

void addSamples(std::vector<GateSeries>& gates, const std::vector<api::MetricResult>& results,
                Timestamp now) {
  for (const auto& result : results) {
    auto gate = std::find_if(gates.begin(), gates.end(),
                             [&](const GateSeries& g) { return g.name == result.name; });
    if (gate == gates.end()) continue;  // a gate removed from the spec mid-rollout
    const Timestamp at = result.at == Timestamp{} ? now : result.at;
    pushBounded(gate->samples, GateSample{at, result.value, result.result}, kMaxSamples);
  }
}

}  // namespace

std::optional<api::HistoryEntry> newOutcome(const api::ModelDeploymentStatus& before,
                                            const api::ModelDeploymentStatus& after) {
  if (after.history.empty()) return std::nullopt;
  if (!before.history.empty() && before.history.back() == after.history.back()) {
    return std::nullopt;
  }
  return after.history.back();
}

void recordReconcile(RolloutRecord& record, const api::AnalysisSpec& analysis,
                     const api::ModelDeploymentStatus& before,
                     const api::ModelDeploymentStatus& after,
                     const std::vector<api::MetricResult>* analysis_results, Timestamp now) {
  if (!after.canary_revision.empty() && after.canary_revision != record.revision) {
    record = RolloutRecord{};
    record.revision = after.canary_revision;
    record.replaced = after.stable_revision;
    record.started_at = after.rollout_started_at.value_or(now);
    record.gates = gatesOf(analysis);
    add(record, after, *record.started_at, "started",
        "canary " + after.canary_revision +
            (after.stable_revision.empty() ? "" : " beside stable " + after.stable_revision));
  }
  if (record.revision.empty()) return;
  if (after.shadowing && !before.shadowing) {
    add(record, after, now, "shadow", "traffic mirrored to the canary");
  }
  if (after.canary_revision == record.revision &&
      (after.current_step != before.current_step || after.canary_weight != before.canary_weight)) {
    add(record, after, now, "step",
        "step " + std::to_string(after.current_step) + ", weight " +
            std::to_string(after.canary_weight) + "%");
  }
  if (after.phase != before.phase) {
    add(record, after, now, "phase",
        std::string(api::enumName(after.phase)) +
            (after.message.empty() ? "" : ": " + after.message));
  }
  if (after.paused_by_user != before.paused_by_user) {
    add(record, after, now, after.paused_by_user ? "paused" : "resumed", "by a manual request");
  }
  if (analysis_results != nullptr && !analysis_results->empty()) {
    addSamples(record.gates, *analysis_results, now);
    add(record, after, now, "analysis", roundDetail(*analysis_results, after.failed_checks));
  }
  if (auto outcome = newOutcome(before, after); outcome && outcome->revision == record.revision) {
    add(record, after, outcome->at == Timestamp{} ? now : outcome->at,
        std::string(api::enumName(outcome->outcome)), outcome->reason);
  }
}

ModelCard cardOf(const RolloutRecord& record, const std::string& deployment, const std::string& ns,
                 const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& after,
                 const api::HistoryEntry& outcome) {
  ModelCard card;
  card.deployment = deployment;
  card.ns = ns;
  card.revision = outcome.revision;
  card.model = spec.model;
  card.outcome = outcome.outcome;
  card.reason = outcome.reason;
  card.decided_at = outcome.at;
  if (record.revision == outcome.revision) {
    card.replaced = record.replaced;
    card.started_at = record.started_at;
    card.timeline = record.timeline;
    card.gates = record.gates;
    return card;
  }
  card.replaced = outcome.outcome == api::Outcome::kPromoted ? "" : after.stable_revision;
  card.started_at = after.rollout_started_at;
  card.gates = gatesOf(spec.analysis);
  addSamples(card.gates, after.analysis, outcome.at);
  card.timeline.push_back(TimelineEntry{outcome.at, std::string(api::enumName(outcome.outcome)),
                                        after.current_step, after.canary_weight, outcome.reason});
  return card;
}

}  // namespace aviary::governance
