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

enum class EventType { kNormal, kWarning };
struct EmitEvent {
  EventType type = EventType::kNormal;
  std::string reason;
  std::string message;
  friend bool operator==(const EmitEvent&, const EmitEvent&) = default;
};

using Action = std::variant<EnsureRevision, SetWeight, EmitEvent>;

// The controller applies `actions` in order (stop at the first error; the next reconcile redoes
// what is left, every action being idempotent), then writes `status`. Deployments and weights come
// before the status so that a status never claims what the world does not yet have.
struct Decision {
  api::ModelDeploymentStatus status;
  std::vector<Action> actions;
  // Reconcile again after this long even without a watch event; nullopt: only on events.
  std::optional<Duration> requeue_after;
};

Decision decide(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                const Observations& observations, Timestamp now);

// Whether the controller should run an analysis round now and pass it in Observations::analysis.
// True while a canary takes traffic under steps (Progressing or Paused), metrics are configured,
// and one interval has passed since both the current step began and the previous round: the
// first round of a step therefore looks only at traffic at that step's weight.
bool analysisDue(const api::ModelDeploymentSpec& spec, const api::ModelDeploymentStatus& status,
                 Timestamp now);

// Replicas each role runs for a canary weight. Mesh providers split traffic themselves, so both
// roles run spec.replicas. The `replicas` provider realises the weight as a replica ratio behind
// one Service: canary = clamp(ceil(R*w/100), 1, R), stable = max(1, R - canary), except that at
// w = 0 (canary starting, not yet taking a step's weight) stable keeps all R. With R = 1 a running
// canary means one pod each (50 %), the best a replica ratio can do.
std::int32_t canaryReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);
std::int32_t stableReplicas(const api::ModelDeploymentSpec& spec, std::int32_t weight);

// Readiness re-check interval while waiting on pods (watch events usually come first).
inline constexpr Duration kReadinessPoll = std::chrono::seconds(5);

}  // namespace aviary::rollout
