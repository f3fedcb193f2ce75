#pragma once

#include <optional>

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

}  // namespace aviary::governance
