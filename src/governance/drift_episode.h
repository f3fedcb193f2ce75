#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "common/duration.h"

// The retraining trigger: when the stable revision's drift stays above a maximum for a while, an
// episode begins (a DriftDetected condition, an Event, one webhook call); it ends when drift falls
// back to the maximum or below. Pure: the controller queries the value and applies the result.
namespace aviary::governance {

struct DriftEpisode {
  std::optional<Timestamp> above_since;  // first of the uninterrupted readings above max
  bool detected = false;                 // an episode is in progress
  bool notified = false;                 // its webhook call succeeded

  friend bool operator==(const DriftEpisode&, const DriftEpisode&) = default;
};

enum class DriftChange {
  kNone,
  kDetected,  // an episode began: set DriftDetected=True, emit an Event, call the webhook
  kCleared,   // the episode ended: set DriftDetected=False, emit an Event
};

struct DriftStep {
  DriftEpisode episode;
  DriftChange change = DriftChange::kNone;
  bool notify = false;  // call the webhook now (once per episode; again after a failed call)
};

// One reading of the stable's drift. A missing reading (no data, a Prometheus error) changes
// nothing: it neither starts the clock nor ends an episode, so a scrape gap cannot fire or clear
// the trigger. A reading above `max` starts the clock or, once `sustain` has passed since it
// started, begins the episode; a reading at or below `max` resets the clock and ends the episode.
DriftStep stepDrift(const DriftEpisode& episode, std::optional<double> value, double max,
                    Duration sustain, Timestamp now);

// The condition an episode sets: True while it lasts, False after (added at the first episode).
inline constexpr const char* kDriftDetected = "DriftDetected";

struct DriftEvent {
  bool warning = false;
  std::string reason;  // "DriftDetected", "DriftCleared"
  std::string message;
};

struct StableDriftStep {
  std::optional<DriftEvent> event;
  bool notify = false;  // call the webhook about status.drift's episode now
};

// Folds one reading of the stable revision's drift (nullopt: none, or no data) into `status`:
// status.drift and the DriftDetected condition, by stepDrift. The episode belongs to one stable
// revision: a new stable ends it (the new model has not drifted yet). Without a monitor (or a
// stable) the state is dropped and a True condition turns False; the reading is ignored.
StableDriftStep foldStableDrift(const std::optional<api::DriftMonitor>& monitor,
                                api::ModelDeploymentStatus& status, std::optional<double> value,
                                std::int64_t generation, Timestamp now);

// The webhook's body for the episode in status.drift: {"kind": "DriftDetected", "schema",
// "id" (the same for every call about one episode, so a receiver can drop repeats),
// "modelDeployment": {"namespace", "name"}, "revision", "model": {"name", "version", "uri"},
// "metric", "value", "max", "for", "aboveSince", "detectedAt"}.
nlohmann::json driftWebhookBody(const std::string& ns, const std::string& name,
                                const api::ModelDeploymentSpec& spec, const api::DriftStatus& drift,
                                std::optional<double> value);

}  // namespace aviary::governance
