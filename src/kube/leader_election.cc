#include "kube/leader_election.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <random>
#include <thread>
#include <utility>

#include "common/time_format.h"
#include "kube/stoppable_sleep.h"

namespace aviary::kube {
namespace {

// client-go waits retry_period * [1, 1.2) between acquire attempts so candidates spread out.
std::chrono::milliseconds jittered(std::chrono::milliseconds period) {
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_real_distribution<double> factor(1.0, 1.2);
  return std::chrono::milliseconds{static_cast<long>(period.count() * factor(random))};
}

}  // namespace

Status validate(const LeaderElectionConfig& config) {
  auto invalid = [](const std::string& message) {
    return fail(ErrorCode::kInvalidArgument, "leader election: " + message);
  };
  if (config.lease_namespace.empty() || config.lease_name.empty()) {
    return invalid("the lease namespace and name must be set");
  }
  if (config.identity.empty()) return invalid("the identity must be set");
  if (config.retry_period.count() <= 0) return invalid("the retry period must be > 0");
  if (config.lease_duration <= config.renew_deadline) {
    return invalid("the lease duration (" + std::to_string(config.lease_duration.count()) +
                   " ms) must be greater than the renew deadline (" +
                   std::to_string(config.renew_deadline.count()) + " ms)");
  }
  // renew_deadline > 1.2 × retry_period, in integers: 5 × deadline > 6 × period.
  if (5 * config.renew_deadline.count() <= 6 * config.retry_period.count()) {
    return invalid("the renew deadline (" + std::to_string(config.renew_deadline.count()) +
                   " ms) must be greater than 1.2 × the retry period (" +
                   std::to_string(config.retry_period.count()) + " ms)");
  }
  return {};
}

LeaderElector::LeaderElector(KubeClient::Ptr client, LeaderElectionConfig config, Clock::Ptr clock,
                             MonotonicClock::Ptr monotonic)
    : client_(std::move(client)),
      config_(std::move(config)),
      clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()),
      monotonic_(monotonic ? std::move(monotonic) : std::make_shared<SteadyClock>()),
      lease_ref_(resources::kLeases.in(config_.lease_namespace).named(config_.lease_name)) {}

LeaderElector::Record LeaderElector::recordOf(const Json& lease) {
  Record record;
  if (!lease.contains("spec") || !lease["spec"].is_object()) return record;
  const Json& spec = lease["spec"];
  record.holder = spec.value("holderIdentity", "");
  record.lease_seconds = spec.value("leaseDurationSeconds", 0);
  record.acquire_time = spec.value("acquireTime", "");
  record.renew_time = spec.value("renewTime", "");
  record.transitions = spec.value("leaseTransitions", 0);
  return record;
}

Json LeaderElector::leaseSpec(const Record& record) const {
  Json spec = {{"holderIdentity", record.holder},
               {"leaseDurationSeconds", record.lease_seconds},
               {"leaseTransitions", record.transitions}};
  if (!record.acquire_time.empty()) spec["acquireTime"] = record.acquire_time;
  if (!record.renew_time.empty()) spec["renewTime"] = record.renew_time;
  return spec;
}

void LeaderElector::observe(const Record& record) {
  if (!observed_.has_value() || !(*observed_ == record)) {
    observed_ = record;
    observed_at_ = monotonic_->now();
  }
}

bool LeaderElector::tryAcquireOrRenew() {
  std::lock_guard lock(mutex_);
  const Timestamp wall_now = clock_->now();
  const MonotonicTime now = monotonic_->now();
  Record desired;
  desired.holder = config_.identity;
  desired.lease_seconds = static_cast<int>(
      std::chrono::duration_cast<std::chrono::seconds>(config_.lease_duration).count());
  if (desired.lease_seconds < 1) desired.lease_seconds = 1;
  desired.acquire_time = formatMicroTime(wall_now);
  desired.renew_time = desired.acquire_time;

  auto current = client_->get(lease_ref_);
  if (!current.has_value()) {
    if (!isNotFound(current.error())) {
      spdlog::warn("leader election: reading lease: {}", current.error().message);
      return false;
    }
    Json lease = {
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", {{"name", config_.lease_name}, {"namespace", config_.lease_namespace}}},
        {"spec", leaseSpec(desired)}};
    if (!client_->create(lease_ref_, lease).has_value()) return false;
    observed_ = desired;
    observed_at_ = now;
    return true;
  }

  Record existing = recordOf(*current);
  observe(existing);
  if (existing.holder != last_leader_) last_leader_ = existing.holder;
  bool held_by_other = !existing.holder.empty() && existing.holder != config_.identity;
  auto duration = std::chrono::seconds{existing.lease_seconds > 0 ? existing.lease_seconds
                                                                  : desired.lease_seconds};
  if (held_by_other && observed_at_ + duration > now) return false;

  if (existing.holder == config_.identity) {
    desired.acquire_time = existing.acquire_time;
    desired.transitions = existing.transitions;
  } else {
    desired.transitions = existing.transitions + 1;
  }
  Json lease = *current;
  lease["spec"] = leaseSpec(desired);
  auto updated = client_->update(lease_ref_, lease);
  if (!updated.has_value()) {
    if (!isConflict(updated.error())) {
      spdlog::warn("leader election: updating lease: {}", updated.error().message);
    }
    return false;
  }
  observed_ = desired;
  observed_at_ = now;
  return true;
}

void LeaderElector::release() {
  std::lock_guard lock(mutex_);
  auto current = client_->get(lease_ref_);
  if (!current.has_value() || recordOf(*current).holder != config_.identity) return;
  Record released = recordOf(*current);
  released.holder = "";
  released.lease_seconds = 1;
  released.renew_time = formatMicroTime(clock_->now());
  Json lease = *current;
  lease["spec"] = leaseSpec(released);
  if (auto updated = client_->update(lease_ref_, lease); !updated.has_value()) {
    spdlog::warn("leader election: releasing lease: {}", updated.error().message);
  }
}

Status LeaderElector::run(std::stop_token stop, const LeaderCallbacks& callbacks) {
  AVIARY_RETURN_IF_ERROR(validate(config_));
  std::string announced;
  auto announce = [&] {
    std::string leader;
    {
      std::lock_guard lock(mutex_);
      leader = observed_.has_value() ? observed_->holder : "";
    }
    if (leader != announced && !leader.empty()) {
      announced = leader;
      if (callbacks.on_new_leader) callbacks.on_new_leader(leader);
    }
  };
  while (!stop.stop_requested() && !tryAcquireOrRenew()) {
    announce();
    sleepFor(jittered(config_.retry_period), stop);
  }
  if (stop.stop_requested()) return {};
  announce();
  spdlog::info("leader election: {} now leads {}/{}", config_.identity, config_.lease_namespace,
               config_.lease_name);

  std::atomic<std::int64_t> last_renew{std::chrono::steady_clock::now().time_since_epoch().count()};
  std::stop_source leading;
  leading_ = true;
  std::jthread renewer([&](std::stop_token renewing) {
    while (!renewing.stop_requested()) {
      sleepFor(config_.retry_period, renewing);
      if (renewing.stop_requested()) return;
      if (tryAcquireOrRenew()) {
        last_renew = std::chrono::steady_clock::now().time_since_epoch().count();
      }
    }
  });
  std::jthread worker([&] {
    if (callbacks.on_started_leading) callbacks.on_started_leading(leading.get_token());
  });

  // Watches the renew deadline on its own, so a renewal stuck in a slow request still ends
  // leadership on time.
  bool lost = false;
  while (!stop.stop_requested()) {
    auto since = std::chrono::steady_clock::now() -
                 std::chrono::steady_clock::time_point(
                     std::chrono::steady_clock::duration(last_renew.load()));
    if (since > config_.renew_deadline) {
      lost = true;
      break;
    }
    sleepFor(std::chrono::milliseconds{20}, stop);
  }
  leading_ = false;
  leading.request_stop();
  if (lost) {
    spdlog::error("leader election: {} could not renew {}/{} within {} ms; stopped leading",
                  config_.identity, config_.lease_namespace, config_.lease_name,
                  config_.renew_deadline.count());
  }
  if (callbacks.on_stopped_leading) callbacks.on_stopped_leading();
  renewer.request_stop();
  renewer.join();
  worker.join();
  if (!lost && config_.release_on_stop) release();
  return {};
}

}  // namespace aviary::kube
