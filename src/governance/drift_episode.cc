#include "governance/drift_episode.h"

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

}  // namespace aviary::governance
