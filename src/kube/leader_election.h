#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "common/clock.h"
#include "kube/client.h"

namespace aviary::kube {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per process: pod name + random suffix
  // Flags --leader-elect-lease-duration / -renew-deadline / -retry-period (client-go's defaults).
  std::chrono::milliseconds lease_duration{std::chrono::seconds{15}};
  std::chrono::milliseconds renew_deadline{std::chrono::seconds{10}};
  std::chrono::milliseconds retry_period{std::chrono::seconds{2}};
  // Give the lease up on a clean stop so a successor need not wait for it to expire.
  bool release_on_stop = true;
};

// Checks what client-go checks before electing: namespace, name and identity set, and
// lease_duration > renew_deadline > 1.2 × retry_period > 0 (the leader must give up before its
// lease can pass to another, and have time for more than one renewal). InvalidArgument otherwise.
Status validate(const LeaderElectionConfig& config);

struct LeaderCallbacks {
  // Runs on its own thread while leading. `leading` is stopped the moment leadership is lost or
  // the elector stops; the work must end then.
  std::function<void(std::stop_token leading)> on_started_leading;
  // Called as soon as leadership ends, before waiting for on_started_leading to return.
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string& identity)> on_new_leader;
};

// Leader election on a coordination.k8s.io/v1 Lease, with client-go's rules.
//
// Contract: a candidate takes the lease only when it is free or its holder has not renewed it for
// leaseDurationSeconds, measured on this process's clock from when it last saw the lease change
// (so clocks need not agree). The leader renews every retry_period; if renewals fail for
// renew_deadline (< lease_duration) it stops leading at once, even while a request is still in
// flight, so it stops before any other candidate may take over. Writes are optimistic
// (resourceVersion), so two candidates never both win one round.
//
// Clocks: expiry and the renew deadline are measured on `monotonic`, so stepping the wall clock
// changes no decision; `clock` (wall time) only stamps acquireTime/renewTime in the Lease.
//
// Give the elector its own KubeClient (a second RestClient with its own rate limiter), as
// controller-runtime does: renewals that queue behind the controller's requests in a shared token
// bucket miss the renew deadline and leadership flaps.
class LeaderElector {
 public:
  LeaderElector(KubeClient::Ptr client, LeaderElectionConfig config, Clock::Ptr clock = nullptr,
                MonotonicClock::Ptr monotonic = nullptr);

  // validate(config) first (its error is returned at once); then tries to acquire until it leads
  // or `stop`; then leads until the lease is lost or `stop`, and returns (a process that lost
  // leadership should exit or start over).
  Status run(std::stop_token stop, const LeaderCallbacks& callbacks);

  bool isLeader() const { return leading_.load(); }

  // One round of acquire-or-renew; true when this process holds the lease afterwards.
  bool tryAcquireOrRenew();
  // Gives the lease up if this process holds it.
  void release();

 private:
  struct Record {
    std::string holder;
    int lease_seconds = 0;
    std::string acquire_time;
    std::string renew_time;
    int transitions = 0;
    bool operator==(const Record&) const = default;
  };
  static Record recordOf(const Json& lease);
  Json leaseSpec(const Record& record) const;
  void observe(const Record& record);

  KubeClient::Ptr client_;
  LeaderElectionConfig config_;
  Clock::Ptr clock_;
  MonotonicClock::Ptr monotonic_;
  ResourceRef lease_ref_;
  std::mutex mutex_;  // guards the observed record across the renewer and run()
  std::optional<Record> observed_;
  MonotonicTime observed_at_{};
  std::string last_leader_;
  std::atomic<bool> leading_{false};
};

}  // namespace aviary::kube
