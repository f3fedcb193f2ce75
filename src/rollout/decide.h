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

  // All desired pods of `revision` are ready (and there is at least one): the role can take the
  // whole load. Steps wait on this before sending the canary traffic, promotion before moving
  // traffic back to stable, rollback before scaling the canary down.
  bool healthy() const { return exists && replicas >= 1 && ready_replicas >= replicas; }
  // At least one ready pod: the role answers requests. A weight that leaves a serving role for a
  // role that does not serve is never set (see SetWeight).
  bool serving() const { return exists && ready_replicas >= 1; }
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
struct Decision {
  api::ModelDeploymentStatus status;
  std::vector<Action> actions;
  // Reconcile again after this long even without a watch event; nullopt: only on events.
  std::optional<Duration> requeue_after;
};

Decision decide(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                const Observations& observations, Timestamp now);

// Whether the controller should run an analysis round now and pass it in Observations::analysis.
// True while a canary takes traffic under steps or mirrored traffic in the shadow stage
// (Progressing or Paused), metrics are configured, and one interval has passed since both the
// current step (or stage) began and the previous round: the first round of a step therefore looks
// only at traffic at that step's weight.
bool analysisDue(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                 Timestamp now);

// Readiness re-check interval while waiting on pods (watch events usually come first).
inline constexpr Duration kReadinessPoll = std::chrono::seconds(5);

}  // namespace aviary::rollout
