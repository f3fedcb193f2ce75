#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>

#include "rollout/analysis.h"
#include "rollout/decide.h"

// Replays decide() against a tiny fake world that applies its writes, the way the controller
// will: observe, analyse when due, decide, act, write status. The properties: a good rollout
// ends Succeeded, a bad one Failed with all traffic on stable, a controller killed between
// writes still converges, and traffic never goes wholly to a dead role while the other serves.
namespace aviary::rollout {
namespace {

using api::Phase;
using std::chrono::seconds;

const Timestamp kT0{std::chrono::hours{480000}};
constexpr const char* kOld = "old1";
constexpr const char* kNew = "new2";

// Deployments become ready one tick after a change, unless their revision is `broken`; a
// Deployment re-templated in place keeps its old pods serving until the new ones are ready. The
// router applies a weight or a mirror one tick after it is asked. With the replicas provider there
// is no router: one Service sends each role its share of the available pods.
struct World {
  bool mesh = true;
  RoleObservation stable;
  RoleObservation canary;
  std::int32_t weight = 0;
  std::optional<std::int32_t> asked_weight;
  bool mirror = false;
  std::optional<bool> asked_mirror;
  std::string broken;

  void apply(const Action& action) {
    if (const auto* e = std::get_if<EnsureRevision>(&action)) {
      RoleObservation& role = e->role == Role::kStable ? stable : canary;
      if (role.revision != e->revision) role.ready_replicas = 0;
      role.exists = true;
      role.revision = e->revision;
      role.replicas = e->replicas;
      role.ready_replicas = std::min(role.ready_replicas, e->replicas);
      role.available_replicas = std::min(role.available_replicas, e->replicas);
    } else if (const auto* w = std::get_if<SetWeight>(&action)) {
      asked_weight = w->canary_percent;
    } else if (const auto* m = std::get_if<SetMirror>(&action)) {
      asked_mirror = m->enabled;
    }
  }

  void tick() {
    for (RoleObservation* role : {&stable, &canary}) {
      if (role->exists && role->revision != broken) {
        role->ready_replicas = role->replicas;
        role->available_replicas = role->replicas;
      }
    }
    if (asked_weight) weight = *asked_weight;
    if (asked_mirror) mirror = *asked_mirror;
  }

  // Percent of requests the canary answers.
  int canaryShare() const {
    if (mesh) return weight;
    const int pods = stable.available_replicas + canary.available_replicas;
    return pods == 0 ? 0 : 100 * canary.available_replicas / pods;
  }

  // All traffic on a role with no ready pod while the other role has some (the Service of the
  // replicas provider never does that: it sends requests only to available pods).
  bool allTrafficOnDeadRole() const {
    if (!mesh) return false;
    if (weight == 100) return !canary.serving() && stable.serving();
    if (weight == 0) return !stable.serving() && canary.serving();
    return false;
  }
};

// A small deterministic generator (the test must replay identically everywhere).
struct Lcg {
  std::uint64_t state;
  std::uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  }
};

struct Outcome {
  api::ModelDeploymentStatus status;
  World world;
  int ticks = 0;
  bool dead_route_seen = false;
  int mirrored_ticks = 0;
  int max_weight = 0;
  bool mirrored_with_weight = false;  // real traffic and a mirror to the canary at once
  bool mirrored_while_settled = false;
  // The canary answered real requests while the status said 0 % (Progressing or Paused).
  bool unannounced_canary_traffic = false;
  // Fewest available pods over both roles while a canary ran under steps.
  int min_capacity = 1 << 30;
  // Most pods both Deployments asked for at once.
  int peak_pods = 0;
  // The router sent the canary more than its ready pods' share (canaryReplicas of the weight).
  bool canary_over_share = false;
};

// Drives one spec from a settled `kOld` to desired `kNew`. `metric_value` is what Prometheus
// would answer; `crash_seed` > 0 kills the controller at random points between writes.
Outcome simulate(const api::ModelDeploymentSpec& spec, double metric_value, std::string broken = "",
                 std::uint64_t crash_seed = 0) {
  Outcome run;
  run.world.mesh = spec.traffic.provider != api::TrafficProvider::kReplicas;
  run.world.stable = RoleObservation{.exists = true,
                                     .revision = kOld,
                                     .replicas = spec.replicas,
                                     .ready_replicas = spec.replicas,
                                     .available_replicas = spec.replicas};
  run.world.broken = std::move(broken);
  run.status.phase = Phase::kSucceeded;
  run.status.stable_revision = kOld;
  Lcg random{crash_seed};
  Timestamp now = kT0;
  for (; run.ticks < 400; ++run.ticks, now += seconds{10}) {
    Observations obs;
    obs.generation = 2;
    obs.desired_revision = kNew;
    obs.stable = run.world.stable;
    obs.canary = run.world.canary;
    obs.observed_weight = run.world.weight;
    obs.observed_mirror = run.world.mirror;
    if (analysisDue(spec, run.status, now)) {
      // The canary's metrics have samples only once it gets requests, real or mirrored.
      const bool canary_sees_traffic = run.world.canaryShare() > 0 || run.world.mirror;
      std::vector<api::MetricResult> round;
      for (const auto& metric : spec.analysis.metrics) {
        round.push_back(checkMetric(
            metric, canary_sees_traffic ? std::optional(metric_value) : std::nullopt, now));
      }
      obs.analysis = round;
    }
    const Decision d = decide(spec, run.status, obs, now);
    std::size_t applied = d.actions.size();
    bool write_status = true;
    if (crash_seed != 0 && random.next() % 3 == 0) {  // killed mid-reconcile
      applied = random.next() % (d.actions.size() + 1);
      write_status = false;
    }
    for (std::size_t i = 0; i < applied; ++i) run.world.apply(d.actions[i]);
    if (write_status) run.status = d.status;
    run.world.tick();
    run.dead_route_seen = run.dead_route_seen || run.world.allTrafficOnDeadRole();
    run.mirrored_ticks += run.world.mirror ? 1 : 0;
    run.max_weight = std::max(run.max_weight, run.world.canaryShare());
    run.peak_pods = std::max(run.peak_pods, run.world.stable.replicas + run.world.canary.replicas);
    if (run.world.mesh && run.world.weight > 0 &&
        run.world.canary.ready_replicas < canaryReplicas(spec, run.world.weight)) {
      run.canary_over_share = true;
    }
    const bool under_steps =
        d.status.phase == Phase::kProgressing || d.status.phase == Phase::kPaused;
    if (under_steps && d.status.canary_weight == 0 && run.world.canaryShare() > 0) {
      run.unannounced_canary_traffic = true;
    }
    if (under_steps) {
      run.min_capacity = std::min(run.min_capacity, run.world.stable.available_replicas +
                                                        run.world.canary.available_replicas);
    }
    run.mirrored_with_weight =
        run.mirrored_with_weight || (run.world.mirror && run.world.weight > 0);
    const bool settled =
        (run.status.phase == Phase::kSucceeded && run.status.stable_revision == kNew) ||
        run.status.phase == Phase::kFailed;
    run.mirrored_while_settled = run.mirrored_while_settled || (settled && run.world.mirror);
    if (settled && run.world.weight == 0 && run.world.canary.replicas == 0) break;
  }
  return run;
}

api::ModelDeploymentSpec analysedSpec(api::TrafficProvider provider) {
  api::ModelDeploymentSpec spec;
  spec.replicas = 4;
  spec.traffic.provider = provider;
  api::Step ten;
  ten.set_weight = 10;
  api::Step minute;
  minute.pause = api::PauseStep{Duration{seconds{60}}};
  api::Step half;
  half.set_weight = 50;
  spec.strategy.steps = {ten, minute, half, minute};
  api::MetricSpec error_rate;
  error_rate.name = "error-rate";
  error_rate.builtin = api::BuiltinMetric::kErrorRate;
  error_rate.max = 1.0;
  spec.analysis.metrics = {error_rate};
  spec.analysis.interval = seconds{30};
  spec.analysis.failure_limit = 2;
  spec.progress_deadline_seconds = 120;
  return spec;
}

// A mesh whose canary runs its share of the weight (canaryScale matchTrafficWeight).
api::ModelDeploymentSpec matchedSpec() {
  auto spec = analysedSpec(api::TrafficProvider::kGatewayApi);
  spec.strategy.canary_scale = api::CanaryScale::kMatchTrafficWeight;
  return spec;
}

// Every way a rollout sizes its roles: a mesh with both at R, a mesh with the canary at its
// share, and the replicas provider.
std::vector<api::ModelDeploymentSpec> analysedSpecs() {
  return {analysedSpec(api::TrafficProvider::kGatewayApi), matchedSpec(),
          analysedSpec(api::TrafficProvider::kReplicas)};
}

std::string nameOf(const api::ModelDeploymentSpec& spec) {
  if (spec.traffic.provider == api::TrafficProvider::kReplicas) return "replicas";
  return spec.strategy.canary_scale == api::CanaryScale::kFull ? "mesh, full"
                                                               : "mesh, matchTrafficWeight";
}

TEST(SimulationTest, GoodRolloutReachesSucceeded) {
  for (const auto& spec : analysedSpecs()) {
    const Outcome run = simulate(spec, 0.1);
    SCOPED_TRACE(nameOf(spec));
    EXPECT_EQ(run.status.phase, Phase::kSucceeded);
    EXPECT_EQ(run.status.stable_revision, kNew);
    EXPECT_EQ(run.world.stable.revision, kNew);
    EXPECT_EQ(run.world.weight, 0);
    EXPECT_EQ(run.world.canary.replicas, 0);
    EXPECT_EQ(run.status.history.back().outcome, api::Outcome::kPromoted);
    EXPECT_FALSE(run.dead_route_seen);
    EXPECT_FALSE(run.unannounced_canary_traffic);
    EXPECT_GE(run.min_capacity, 4);  // the stable gives up pods only to ready canary pods
    EXPECT_GE(run.ticks, 18);        // 30 s + 60 s + 30 s + 60 s of steps, each step gated
    EXPECT_LT(run.ticks, 400);
    EXPECT_FALSE(run.canary_over_share);
  }
}

// R = 4 and steps up to 50 %: the stable's 4 and at most the canary's 2, never both at 4.
TEST(SimulationTest, MatchTrafficWeightNeverRunsTwiceTheReplicas) {
  EXPECT_EQ(simulate(analysedSpec(api::TrafficProvider::kGatewayApi), 0.1).peak_pods, 8);
  for (std::uint64_t seed = 0; seed <= 20; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Outcome good = simulate(matchedSpec(), 0.1, "", seed);
    EXPECT_EQ(good.status.phase, Phase::kSucceeded);
    EXPECT_EQ(good.peak_pods, 6);
    EXPECT_FALSE(good.canary_over_share);
    const Outcome bad = simulate(matchedSpec(), 5.0, "", seed);
    EXPECT_EQ(bad.status.phase, Phase::kFailed);
    EXPECT_LE(bad.peak_pods, 6);
    EXPECT_FALSE(bad.canary_over_share);
  }
}

TEST(SimulationTest, FailingAnalysisEndsFailedWithTrafficOnStable) {
  for (const auto& spec : analysedSpecs()) {
    const Outcome run = simulate(spec, 5.0);
    SCOPED_TRACE(nameOf(spec));
    EXPECT_EQ(run.status.phase, Phase::kFailed);
    EXPECT_EQ(run.status.stable_revision, kOld);
    EXPECT_EQ(run.world.stable.revision, kOld);
    EXPECT_EQ(run.world.weight, 0);
    EXPECT_EQ(run.world.canary.replicas, 0);
    EXPECT_EQ(run.status.history.back().reason, "FailedChecks");
    EXPECT_EQ(run.status.failed_checks, 2);
    EXPECT_FALSE(run.dead_route_seen);
    EXPECT_FALSE(run.unannounced_canary_traffic);
    EXPECT_GE(run.min_capacity, 4);
  }
}

TEST(SimulationTest, CanaryThatNeverStartsEndsFailedAtTheDeadline) {
  for (const auto& spec : {analysedSpec(api::TrafficProvider::kGatewayApi), matchedSpec()}) {
    SCOPED_TRACE(nameOf(spec));
    const Outcome run = simulate(spec, 0.1, kNew);
    EXPECT_EQ(run.status.phase, Phase::kFailed);
    EXPECT_EQ(run.status.history.back().reason, "ProgressDeadlineExceeded");
    EXPECT_EQ(run.world.weight, 0);
    EXPECT_FALSE(run.dead_route_seen);
  }
}

TEST(SimulationTest, ControllerKilledBetweenWritesStillConverges) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    for (const auto& spec : analysedSpecs()) {
      SCOPED_TRACE("seed " + std::to_string(seed) + ", " + nameOf(spec));
      const Outcome good = simulate(spec, 0.1, "", seed);
      EXPECT_EQ(good.status.phase, Phase::kSucceeded);
      EXPECT_EQ(good.world.stable.revision, kNew);
      EXPECT_EQ(good.world.weight, 0);
      EXPECT_FALSE(good.dead_route_seen);
      EXPECT_FALSE(good.unannounced_canary_traffic);
      EXPECT_GE(good.min_capacity, 4);
      const Outcome bad = simulate(spec, 5.0, "", seed);
      EXPECT_EQ(bad.status.phase, Phase::kFailed);
      EXPECT_EQ(bad.world.stable.revision, kOld);
      EXPECT_EQ(bad.world.weight, 0);
      EXPECT_EQ(bad.world.canary.replicas, 0);
      EXPECT_FALSE(bad.dead_route_seen);
      EXPECT_FALSE(bad.unannounced_canary_traffic);
    }
  }
}

// The shadow stage needs a mesh (validate() refuses it with the replicas provider).
api::ModelDeploymentSpec shadowSpec(api::CanaryScale scale = api::CanaryScale::kFull) {
  auto spec = analysedSpec(api::TrafficProvider::kGatewayApi);
  spec.strategy.shadow = api::ShadowSpec{Duration{seconds{90}}};
  spec.strategy.canary_scale = scale;
  return spec;
}

const api::CanaryScale kScales[] = {api::CanaryScale::kFull, api::CanaryScale::kMatchTrafficWeight};

TEST(SimulationTest, ShadowRolloutMirrorsFirstThenSucceeds) {
  for (auto scale : kScales) {
    SCOPED_TRACE(nameOf(shadowSpec(scale)));
    const Outcome run = simulate(shadowSpec(scale), 0.1);
    EXPECT_EQ(run.status.phase, Phase::kSucceeded);
    EXPECT_EQ(run.world.stable.revision, kNew);
    EXPECT_EQ(run.world.weight, 0);
    EXPECT_FALSE(run.world.mirror);
    EXPECT_FALSE(run.status.shadowing);
    EXPECT_GE(run.mirrored_ticks, 9);  // the 90 s stage, gated
    EXPECT_FALSE(run.mirrored_with_weight);
    EXPECT_FALSE(run.mirrored_while_settled);
    EXPECT_FALSE(run.dead_route_seen);
    EXPECT_FALSE(run.canary_over_share);
    EXPECT_EQ(run.peak_pods, 8);  // a mirror of all traffic needs every replica
    EXPECT_GE(run.ticks, 27);     // the stage, then the steps as without it
  }
}

TEST(SimulationTest, ShadowFailingAnalysisRollsBackBeforeAnyRealTraffic) {
  const Outcome run = simulate(shadowSpec(), 5.0);
  EXPECT_EQ(run.status.phase, Phase::kFailed);
  EXPECT_EQ(run.status.history.back().reason, "FailedChecks");
  EXPECT_EQ(run.max_weight, 0);  // the two failed rounds came from mirrored traffic
  EXPECT_GT(run.mirrored_ticks, 0);
  EXPECT_FALSE(run.world.mirror);
  EXPECT_FALSE(run.mirrored_while_settled);
  EXPECT_EQ(run.world.canary.replicas, 0);
}

TEST(SimulationTest, ShadowRolloutKilledBetweenWritesNeverLeavesTheMirrorOn) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const auto scale = kScales[seed % 2];
    SCOPED_TRACE("seed " + std::to_string(seed) + ", " + nameOf(shadowSpec(scale)));
    const Outcome good = simulate(shadowSpec(scale), 0.1, "", seed);
    EXPECT_EQ(good.status.phase, Phase::kSucceeded);
    EXPECT_EQ(good.world.stable.revision, kNew);
    EXPECT_GT(good.mirrored_ticks, 0);
    EXPECT_FALSE(good.world.mirror);
    EXPECT_FALSE(good.mirrored_with_weight);
    EXPECT_FALSE(good.mirrored_while_settled);
    EXPECT_FALSE(good.dead_route_seen);
    const Outcome bad = simulate(shadowSpec(scale), 5.0, "", seed);
    EXPECT_EQ(bad.status.phase, Phase::kFailed);
    EXPECT_EQ(bad.max_weight, 0);
    EXPECT_FALSE(bad.world.mirror);
    EXPECT_FALSE(bad.mirrored_while_settled);
    EXPECT_EQ(bad.world.canary.replicas, 0);
  }
  const Outcome never_ready = simulate(shadowSpec(), 0.1, kNew);
  EXPECT_EQ(never_ready.status.phase, Phase::kFailed);
  EXPECT_EQ(never_ready.status.history.back().reason, "ProgressDeadlineExceeded");
  EXPECT_FALSE(never_ready.world.mirror);
  EXPECT_FALSE(never_ready.mirrored_while_settled);
}

}  // namespace
}  // namespace aviary::rollout
