#include "governance/drift_episode.h"

#include "api/conditions.h"
#include "api/names.h"
#include "common/time_format.h"
#include "governance/audit.h"
#include "governance/format.h"

namespace aviary::governance {

DriftStep stepDrift(const DriftEpisode& episode, std::optional<double> value, double max,
                    Duration sustain, Timestamp now) {
  DriftStep step{episode, DriftChange::kNone, false};
  if (!value) {
    step.notify = episode.detected && !episode.notified;
    return step;
  }
  if (*value <= max) {
    step.episode = DriftEpisode{};
    if (episode.detected) step.change = DriftChange::kCleared;
    return step;
  }
  if (!step.episode.above_since) step.episode.above_since = now;
  if (!episode.detected && now - *step.episode.above_since >= sustain) {
    step.episode.detected = true;
    step.change = DriftChange::kDetected;
  }
  step.notify = step.episode.detected && !step.episode.notified;
  return step;
}

namespace {

void setDriftCondition(api::ModelDeploymentStatus& status, const std::string& value,
                       std::string reason, std::string message, std::int64_t generation,
                       Timestamp now) {
  api::setCondition(status.conditions, api::Condition{kDriftDetected, value, std::move(reason),
                                                      std::move(message), now, generation});
}

bool detectedNow(const api::ModelDeploymentStatus& status) {
  const api::Condition* condition = api::findCondition(status.conditions, kDriftDetected);
  return condition != nullptr && condition->status == "True";
}

}  // namespace

StableDriftStep foldStableDrift(const std::optional<api::DriftMonitor>& monitor,
                                api::ModelDeploymentStatus& status, std::optional<double> value,
                                std::int64_t generation, Timestamp now) {
  StableDriftStep step;
  const std::string& stable = status.stable_revision;
  if (!monitor || stable.empty()) {
    status.drift.reset();
    if (detectedNow(status)) {
      setDriftCondition(status, "False", "MonitoringOff", "spec.monitoring.drift is not set",
                        generation, now);
    }
    return step;
  }
  const std::string metric(api::enumName(monitor->metric));
  if (status.drift && status.drift->revision != stable) {
    status.drift.reset();
    if (detectedNow(status)) {
      const std::string message =
          "stable is now " + stable + "; the drift episode of the revision before it ended";
      setDriftCondition(status, "False", "NewStableRevision", message, generation, now);
      step.event = DriftEvent{false, "DriftCleared", message};
    }
  }
  const api::DriftStatus before = status.drift.value_or(api::DriftStatus{
      .revision = stable, .above_since = {}, .detected_at = {}, .notified = false});
  const DriftEpisode episode{before.above_since, before.detected_at.has_value(), before.notified};
  const DriftStep next = stepDrift(episode, value, monitor->max, monitor->sustain, now);
  step.notify = next.notify;
  if (!next.episode.above_since && !next.episode.detected) {
    status.drift.reset();
  } else {
    status.drift = api::DriftStatus{.revision = stable,
                                    .above_since = next.episode.above_since,
                                    .detected_at = next.change == DriftChange::kDetected
                                                       ? std::optional<Timestamp>(now)
                                                       : before.detected_at,
                                    .notified = next.episode.notified};
  }
  const std::string about = metric + " of stable " + stable;
  if (next.change == DriftChange::kDetected) {
    const std::string message = about + " has stayed above " + formatNumber(monitor->max) +
                                " since " + formatRfc3339(*next.episode.above_since) + " (" +
                                formatDuration(monitor->sustain) + " or more); now " +
                                formatNumber(*value);
    setDriftCondition(status, "True", "DriftAboveMax", message, generation, now);
    step.event = DriftEvent{true, "DriftDetected", message};
  } else if (next.change == DriftChange::kCleared) {
    const std::string message =
        about + " is back to " + formatNumber(*value) + " (max " + formatNumber(monitor->max) + ")";
    setDriftCondition(status, "False", "DriftBelowMax", message, generation, now);
    step.event = DriftEvent{false, "DriftCleared", message};
  }
  return step;
}

nlohmann::json driftWebhookBody(const std::string& ns, const std::string& name,
                                const api::ModelDeploymentSpec& spec, const api::DriftStatus& drift,
                                std::optional<double> value) {
  const api::DriftMonitor& monitor = *spec.monitoring.drift;
  const std::string above_since = drift.above_since ? formatRfc3339(*drift.above_since) : "";
  // One id per episode: it began with the first reading above max of that revision.
  AuditRecord identity{.key = ns + "/" + name,
                       .revision = drift.revision,
                       .decision = kDriftDetected,
                       .reason = above_since,
                       .values = {},
                       .user = "",
                       .at = drift.above_since.value_or(Timestamp{})};
  return {{"kind", kDriftDetected},
          {"schema", kAuditSchema},
          {"id", auditId(identity)},
          {"modelDeployment", {{"namespace", ns}, {"name", name}}},
          {"revision", drift.revision},
          {"model",
           {{"name", spec.model.name}, {"version", spec.model.version}, {"uri", spec.model.uri}}},
          {"metric", api::enumName(monitor.metric)},
          {"value", value ? nlohmann::json(*value) : nlohmann::json()},
          {"max", monitor.max},
          {"for", formatDuration(monitor.sustain)},
          {"aboveSince", above_since},
          {"detectedAt", drift.detected_at ? formatRfc3339(*drift.detected_at) : ""}};
}

}  // namespace aviary::governance
