#include "kube/leader_election.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "common/time_format.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_kube_fixture.h"

namespace aviary::kube {
namespace {

using std::chrono::milliseconds;
using testing::FakeKube;

constexpr milliseconds kPatience{10000};

LeaderElectionConfig fastConfig(const std::string& identity) {
  LeaderElectionConfig config;
  config.lease_namespace = "aviary-system";
  config.lease_name = "aviary-controller";
  config.identity = identity;
  config.lease_duration = std::chrono::seconds{1};
  config.renew_deadline = milliseconds{600};
  config.retry_period = milliseconds{100};
  return config;
}

std::string holder(FakeKube& kube) {
  auto lease = kube.get(resources::kLeases.in("aviary-system").named("aviary-controller"));
  return lease.has_value() ? (*lease)["spec"].value("holderIdentity", "") : "";
}

class LeaderElectionTest : public testing::FakeKubeFixture {
 protected:
  LeaderElectionTest() : FakeKubeFixture(kPatience) {}
};

TEST_F(LeaderElectionTest, TheFirstCandidateCreatesTheLeaseAndLeads) {
  LeaderElector elector(kube_, fastConfig("a"));
  EXPECT_TRUE(elector.tryAcquireOrRenew());
  EXPECT_EQ(holder(*kube_), "a");
  EXPECT_TRUE(elector.tryAcquireOrRenew()) << "renewing its own lease";
  LeaderElector other(kube_, fastConfig("b"));
  EXPECT_FALSE(other.tryAcquireOrRenew()) << "a fresh lease of another holder is respected";
  auto lease = *kube_->get(resources::kLeases.in("aviary-system").named("aviary-controller"));
  EXPECT_EQ(lease["spec"]["leaseDurationSeconds"], 1);
  EXPECT_EQ(lease["spec"]["renewTime"].get<std::string>().size(), 27u) << "MicroTime";
}

TEST_F(LeaderElectionTest, ExactlyOneOfTwoCandidatesLeadsAndTheOtherTakesOverOnRelease) {
  std::atomic<int> leaders{0};
  std::atomic<int> max_leaders{0};
  std::atomic<int> terms{0};
  auto callbacks = [&] {
    LeaderCallbacks callbacks;
    callbacks.on_started_leading = [&](std::stop_token leading) {
      int now = ++leaders;
      ++terms;
      int seen = max_leaders.load();
      while (now > seen && !max_leaders.compare_exchange_weak(seen, now)) {
      }
      while (!leading.stop_requested()) std::this_thread::sleep_for(milliseconds{5});
      --leaders;
    };
    return callbacks;
  };
  LeaderElector a(kube_, fastConfig("a"));
  LeaderElector b(kube_, fastConfig("b"));
  std::stop_source stop_a;
  std::stop_source stop_b;
  std::jthread run_a([&] { a.run(stop_a.get_token(), callbacks()); });
  std::jthread run_b([&] { b.run(stop_b.get_token(), callbacks()); });
  ASSERT_TRUE(eventually([&] { return a.isLeader() || b.isLeader(); }));
  std::this_thread::sleep_for(milliseconds{1500});  // several renewals
  EXPECT_NE(a.isLeader(), b.isLeader());
  EXPECT_EQ(terms, 1);
  bool a_led = a.isLeader();
  (a_led ? stop_a : stop_b).request_stop();
  (a_led ? run_a : run_b).join();
  EXPECT_EQ(holder(*kube_), "") << "released on stop";
  ASSERT_TRUE(eventually([&] { return (a_led ? b : a).isLeader(); }));
  EXPECT_EQ(max_leaders, 1);
  (a_led ? stop_b : stop_a).request_stop();
}

TEST_F(LeaderElectionTest, AnExpiredLeaseOfADeadHolderIsTakenOver) {
  LeaderElector dead(kube_, fastConfig("dead"));
  ASSERT_TRUE(dead.tryAcquireOrRenew());
  LeaderElector next(kube_, fastConfig("next"));
  EXPECT_FALSE(next.tryAcquireOrRenew());
  std::this_thread::sleep_for(milliseconds{1100});  // lease_duration without renewals
  EXPECT_TRUE(next.tryAcquireOrRenew());
  auto lease = *kube_->get(resources::kLeases.in("aviary-system").named("aviary-controller"));
  EXPECT_EQ(lease["spec"]["holderIdentity"], "next");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 1);
}

TEST_F(LeaderElectionTest, StopsLeadingAtOnceWhenRenewalsFail) {
  LeaderElector elector(kube_, fastConfig("a"));
  std::atomic<bool> stopped{false};
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token leading) {
    while (!leading.stop_requested()) std::this_thread::sleep_for(milliseconds{5});
  };
  callbacks.on_stopped_leading = [&] { stopped = true; };
  std::jthread runner([&] { elector.run({}, callbacks); });
  ASSERT_TRUE(eventually([&] { return elector.isLeader(); }));
  for (int i = 0; i < 100; ++i)
    kube_->failNext("get", Error{ErrorCode::kUnavailable, "apiserver down"});
  auto lost_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return stopped.load(); }));
  EXPECT_FALSE(elector.isLeader());
  // Stops within the renew deadline (plus slack), well before the 1 s lease could pass to another.
  EXPECT_LT(std::chrono::steady_clock::now() - lost_at, milliseconds{1000});
}

TEST_F(LeaderElectionTest, AWallClockJumpForwardDoesNotExpireAFreshLease) {
  LeaderElector holder_a(kube_, fastConfig("a"));
  ASSERT_TRUE(holder_a.tryAcquireOrRenew());
  auto wall = std::make_shared<testing::FakeClock>();
  auto monotonic = std::make_shared<testing::FakeMonotonicClock>();
  LeaderElector b(kube_, fastConfig("b"), wall, monotonic);
  EXPECT_FALSE(b.tryAcquireOrRenew());
  wall->advance(std::chrono::hours{1});  // an NTP step on b's machine
  EXPECT_FALSE(b.tryAcquireOrRenew()) << "the lease was seen 0 s ago, whatever the wall says";
  monotonic->advance(milliseconds{999});
  EXPECT_FALSE(b.tryAcquireOrRenew());
  monotonic->advance(milliseconds{2});  // now lease_duration has really passed without a renewal
  EXPECT_TRUE(b.tryAcquireOrRenew());
  EXPECT_EQ(holder(*kube_), "b");
}

TEST_F(LeaderElectionTest, AWallClockJumpBackDoesNotDelayTakingAnExpiredLease) {
  LeaderElector holder_a(kube_, fastConfig("a"));
  ASSERT_TRUE(holder_a.tryAcquireOrRenew());
  auto wall = std::make_shared<testing::FakeClock>();
  auto monotonic = std::make_shared<testing::FakeMonotonicClock>();
  LeaderElector b(kube_, fastConfig("b"), wall, monotonic);
  EXPECT_FALSE(b.tryAcquireOrRenew());
  wall->advance(-std::chrono::hours{1});
  monotonic->advance(milliseconds{1001});
  EXPECT_TRUE(b.tryAcquireOrRenew());
  auto lease = *kube_->get(resources::kLeases.in("aviary-system").named("aviary-controller"));
  EXPECT_EQ(lease["spec"]["acquireTime"], formatMicroTime(wall->now())) << "wall time stamps it";
}

struct BadConfig {
  std::string name;
  std::function<void(LeaderElectionConfig&)> change;
  std::string message;
};

class LeaderElectionConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(LeaderElectionConfigTest, IsRejectedBeforeElecting) {
  LeaderElectionConfig config = fastConfig("a");
  GetParam().change(config);
  auto status = validate(config);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find(GetParam().message), std::string::npos)
      << status.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, LeaderElectionConfigTest,
    ::testing::Values(
        BadConfig{"LeaseNotLongerThanRenew", [](auto& c) { c.lease_duration = c.renew_deadline; },
                  "lease duration"},
        BadConfig{"RenewNotLongerThanRetryTimesOnePointTwo",
                  [](auto& c) { c.renew_deadline = milliseconds{120}; }, "1.2"},
        BadConfig{"ZeroRetry", [](auto& c) { c.retry_period = milliseconds{0}; }, "retry period"},
        BadConfig{"NoIdentity", [](auto& c) { c.identity.clear(); }, "identity"},
        BadConfig{"NoLeaseName", [](auto& c) { c.lease_name.clear(); }, "name"}),
    [](const auto& info) { return info.param.name; });

TEST(LeaderElectionConfigTest, TheDefaultsAndTheFastConfigAreValid) {
  LeaderElectionConfig defaults;
  defaults.lease_namespace = "aviary-system";
  defaults.lease_name = "aviary-controller";
  defaults.identity = "pod-1";
  EXPECT_TRUE(validate(defaults).has_value());
  EXPECT_TRUE(validate(fastConfig("a")).has_value());
  LeaderElectionConfig edge = fastConfig("a");
  edge.renew_deadline = milliseconds{121};  // just over 1.2 × 100 ms
  EXPECT_TRUE(validate(edge).has_value());
}

TEST_F(LeaderElectionTest, RunReturnsTheConfigErrorWithoutTouchingTheLease) {
  LeaderElectionConfig config = fastConfig("a");
  config.renew_deadline = config.lease_duration;
  LeaderElector elector(kube_, config);
  std::stop_source stop;
  auto status = elector.run(stop.get_token(), {});
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(holder(*kube_), "");
}

}  // namespace
}  // namespace aviary::kube
