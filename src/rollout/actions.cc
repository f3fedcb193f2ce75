// The writes, events, requeues and bookkeeping that every phase of decide() shares.
#include <algorithm>
#include <utility>

#include "api/conditions.h"
#include "rollout/decider.h"

namespace aviary::rollout {

std::string shortRev(const std::string& revision) { return revision.substr(0, 10); }

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string seconds(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

std::string readiness(const RoleObservation& role) {
  if (!role.exists) return "not created yet";
  return std::to_string(role.ready_replicas) + "/" + std::to_string(role.replicas) + " ready";
}

void Decider::ensure(Role role, const std::string& revision, std::int32_t n) {
  out_.actions.emplace_back(EnsureRevision{role, revision, n});
}

// Emits SetWeight unless it would move all traffic off a serving role onto one that does not
// serve (Flagger #1898); then the weight stays where it is and StableUnavailable says why.
bool Decider::setWeight(std::int32_t w) {
  if (last_weight_ == w) return true;  // already asked for in this decision
  const bool to_dead_stable = w == 0 && !obs_.stable.serving() && obs_.canary.serving();
  const bool to_dead_canary = w == 100 && !obs_.canary.serving() && obs_.stable.serving();
  if (to_dead_stable) {
    stable_unavailable_ = "stable " + shortRev(st().stable_revision) + " is not serving (" +
                          readiness(obs_.stable) + "); traffic stays at " +
                          std::to_string(st().canary_weight) + "% to the canary";
  }
  if (to_dead_stable || to_dead_canary) {
    requeue(kReadinessPoll);
    return false;
  }
  out_.actions.emplace_back(SetWeight{w});
  last_weight_ = w;
  st().canary_weight = w;
  return true;
}

bool Decider::askWeight(std::int32_t w) {
  const bool raises = meshMatchesWeight() && w > st().canary_weight;
  if (raises && !canaryCarries(w)) {
    setWeight(st().canary_weight);
    held_for_scale_ = w;
    return false;
  }
  return setWeight(w);
}

bool Decider::canaryCarries(std::int32_t w) const {
  return obs_.canary.runs(out_.status.canary_revision) && obs_.canary.healthy() &&
         obs_.canary.replicas >= canaryReplicas(spec_, w);
}

void Decider::setMirror(bool enabled) {
  if (last_mirror_ == enabled) return;  // already asked for in this decision
  out_.actions.emplace_back(SetMirror{enabled});
  last_mirror_ = enabled;
}

bool Decider::weightConfirmed(std::int32_t w) const {
  if (meshProvider()) return obs_.observed_weight == w;
  return canaryAt(canaryReplicas(spec_, w)) && obs_.stable.exists &&
         obs_.stable.replicas == stableReplicas(spec_, w);
}

bool Decider::canaryAt(std::int32_t n) const {
  if (n == 0) return !obs_.canary.exists || obs_.canary.replicas == 0;
  return obs_.canary.runs(out_.status.canary_revision) && obs_.canary.replicas == n &&
         obs_.canary.healthy();
}

bool Decider::routedToStable() const { return !meshProvider() || obs_.observed_weight == 0; }

bool Decider::scaleDownDue() {
  if (!st().traffic_left_canary_at) st().traffic_left_canary_at = now_;
  if (!meshProvider()) return true;  // no router: the canary's pods were the weight
  const Timestamp due = *st().traffic_left_canary_at + spec_.strategy.scale_down_delay;
  if (now_ >= due) return true;
  requeueAt(due);
  return false;
}

void Decider::event(EventType type, std::string reason, std::string message) {
  out_.actions.emplace_back(EmitEvent{type, std::move(reason), std::move(message)});
}

void Decider::requeue(Duration d) {
  if (d <= Duration{0}) return;
  if (!out_.requeue_after || d < *out_.requeue_after) out_.requeue_after = d;
}

void Decider::requeueAt(Timestamp t) {
  if (t > now_) requeue(t - now_);
}

// Clears a request that does not apply now, with a Warning event saying why.
void Decider::reject(const char* request, const std::string& why) {
  event(EventType::kWarning, "RequestIgnored", std::string(request) + " ignored: " + why);
}

void Decider::rejectAll(const std::string& why) {
  if (requests_.promote == api::PromoteRequest::kStep) reject("promote", why);
  if (requests_.promote == api::PromoteRequest::kFull) reject("promote --full", why);
  if (requests_.abort) reject("abort", why);
  if (requests_.retry) reject("retry", why);
  if (requests_.paused) reject(*requests_.paused ? "pause" : "resume", why);
  requests_ = {};
}

void Decider::history(const std::string& revision, api::Outcome outcome, std::string reason) {
  auto& h = st().history;
  h.push_back({revision, outcome, std::move(reason), now_});
  if (h.size() > api::kMaxHistory) h.erase(h.begin(), h.end() - api::kMaxHistory);
}

void Decider::inProgress(std::string reason, std::string message) {
  reconciling_ = ConditionWant{std::move(reason), std::move(message)};
}

void Decider::stalled(std::string reason, std::string message) {
  stalled_ = ConditionWant{std::move(reason), std::move(message)};
}

bool Decider::holdPastDeadline() {
  held_ = true;
  if (!st().holding_since) st().holding_since = now_;
  const Timestamp due = *st().holding_since + deadline();
  if (now_ > due) return true;
  requeueAt(due + std::chrono::seconds(1));
  return false;
}

void Decider::resetClocks() {
  st().holding_since.reset();
  st().traffic_left_canary_at.reset();
  held_ = false;
}

void Decider::stallHold(const char* reason, const std::string& message) {
  const auto* before = api::findCondition(prev_.conditions, kStalled);
  if (!before || before->status != "True" || before->reason != reason) {
    event(EventType::kWarning, reason, message);
  }
  stalled(reason, message);
}

}  // namespace aviary::rollout
