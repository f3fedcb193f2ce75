#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"
#include "common/duration.h"
#include "rollout/replicas.h"  // canaryReplicas / stableReplicas, part of this interface

// The rollout state machine, as one pure function: what the controller saw goes in, the next status
// and the writes to make come out. No I/O, no threads, no clock reads (`now` is an argument).
// src/rollout/README.md draws the phases and what moves between them.
namespace aviary::rollout {

// aviary owns one Deployment per role. The stable role serves the promoted revision; the canary
// role serves the revision under test. Traffic weight is the percent sent to the canary.
enum class Role { kStable, kCanary };

// What the controller saw of one role's Deployment.
struct RoleObservation {
  bool exists = false;
  std::string revision;             // revision in the Deployment's pod template ("" if absent)
  std::int32_t replicas = 0;        // desired replicas (spec.replicas of the Deployment)
  std::int32_t ready_replicas = 0;  // ready pods running `revision` (updated and available)
  // Available pods of ANY revision (status.availableReplicas): while a Deployment is re-templated
  // in place its old pods keep serving.
  std::int32_t available_replicas = 0;
  // status.observedGeneration >= metadata.generation: the Deployment controller has seen the
  // latest template and scale, so the counts above describe it (and not the previous template).
  bool observed_current = true;

  // All desired pods of `revision` are ready (and there is at least one), as counted for the
  // current template: the role can take the whole load. Steps wait on this before sending the
  // canary traffic, promotion before moving traffic back to stable, rollback before scaling the
  // canary down (replicas provider).
  bool healthy() const {
    return exists && observed_current && replicas >= 1 && ready_replicas >= replicas;
  }
  // At least one available pod, of whichever revision: the role answers requests. A weight that
  // leaves a serving role for a role that does not serve is never set (see SetWeight).
  bool serving() const { return exists && available_replicas >= 1; }
  bool runs(const std::string& rev) const { return exists && revision == rev; }
};

struct Observations {
  std::int64_t generation = 0;             // metadata.generation: copied to observedGeneration
  std::string desired_revision;            // revision of the current spec (api::revisionOf)
  std::vector<std::string> spec_problems;  // "path: message"; non-empty => InvalidSpec
  RoleObservation stable;
  RoleObservation canary;
  // Canary percent the router reports now; nullopt when it could not be read. For the `replicas`
  // provider the weight is the replica ratio decide() asks for and this field is not consulted.
  std::optional<std::int32_t> observed_weight;
  // Whether the router mirrors traffic to the canary now; nullopt when it could not be read. A
  // mirror reported on outside the shadow stage is turned off.
  std::optional<bool> observed_mirror;
  // Set when the controller ran an analysis round now (it asks analysisDue() first). Build the
  // results with checkMetric() / providerError() from rollout/analysis.h.
  std::optional<std::vector<api::MetricResult>> analysis;
};

// Create the role's Deployment, or update its revision and scale. Idempotent.
struct EnsureRevision {
  Role role = Role::kStable;
  std::string revision;
  std::int32_t replicas = 0;
  friend bool operator==(const EnsureRevision&, const EnsureRevision&) = default;
};

// Send `canary_percent` of traffic to the canary and the rest to stable. decide() never sets a
// weight that moves all traffic off a serving role onto a role that does not serve.
struct SetWeight {
  std::int32_t canary_percent = 0;
  friend bool operator==(const SetWeight&, const SetWeight&) = default;
};

// Mirror (a copy of) every request to the canary as well, and discard the canary's answers; or
// stop mirroring. Clients only ever get the stable's answer. decide() mirrors exactly during the
// shadow stage (status.shadowing) and turns mirroring off on every way out of it.
struct SetMirror {
  bool enabled = false;
  friend bool operator==(const SetMirror&, const SetMirror&) = default;
};

enum class EventType { kNormal, kWarning };
struct EmitEvent {
  EventType type = EventType::kNormal;
  std::string reason;
  std::string message;
  friend bool operator==(const EmitEvent&, const EmitEvent&) = default;
};

using Action = std::variant<EnsureRevision, SetWeight, SetMirror, EmitEvent>;

// The controller applies `actions` in order (stop at the first error; the next reconcile redoes
// what is left, every action being idempotent), then writes `status`. Deployments, weights and the
// mirror come before the status so that a status never claims what the world does not yet have.
//
// Writing the status: decide() consumes status.requests by clearing them, and drops every other
// field it clears (timestamps, canaryRevision, shadowing, pausedByUser...), which its JSON then
// omits. The status must therefore be written whole: a PUT of /status carrying the resourceVersion
// that was read. A merge or apply patch of the output would leave those fields set (a consumed
// `promote: step` would skip one more step on every reconcile). On a 409 Conflict decide() runs
// again on the fresh object; the old result is never re-sent.
struct Decision {
  api::ModelDeploymentStatus status;
  std::vector<Action> actions;
  // When to reconcile again without a watch event. Never 0:
  //   - nullopt: only on events. Only Succeeded and Failed with nothing time-based pending.
  //   - > 0: the earliest of what decide() waits for by time: a pause or the shadow stage to
  //     elapse, the next analysis round, a readiness poll, a deadline, the scale-down delay. A
  //     timer that has already elapsed asks for nothing: something else (a round, a poll) holds.
  //     Every phase but Succeeded and Failed asks at least every kInFlightResync.
  std::optional<Duration> requeue_after;
};
Decision decide(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                const Observations& observations, Timestamp now);

// When the next analysis round is due: one interval after both the current step (or stage)
// began and the previous round, so the first round of a step looks only at traffic at that step's
// weight. nullopt when none is: no metrics, or no canary under steps or shadow (Progressing or
// Paused).
std::optional<Timestamp> nextAnalysisAt(const api::ModelDeploymentSpec& spec,
                                        const api::ModelDeploymentStatus& status);

// Whether the controller should run an analysis round now and pass it in Observations::analysis:
// nextAnalysisAt() has come.
bool analysisDue(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                 Timestamp now);

// Readiness re-check interval while waiting on pods (watch events usually come first).
inline constexpr Duration kReadinessPoll = std::chrono::seconds(5);
// The longest a rollout in flight goes unexamined, so that a missed watch event never strands it.
inline constexpr Duration kInFlightResync = std::chrono::seconds(60);

}  // namespace aviary::rollout
