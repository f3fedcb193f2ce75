#include "rollout/decide.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "rollout/analysis.h"

// Each row is one transition of src/rollout/README.md: a spec, the status before, what the
// controller saw, and the status and actions decide() must produce.
namespace aviary::rollout {
namespace {

using api::Phase;
using std::chrono::seconds;

const Timestamp kT0{std::chrono::hours{480000}};
Timestamp at(int s) { return kT0 + seconds{s}; }

constexpr const char* kStable = "stable1";
constexpr const char* kCanary = "canary2";
constexpr const char* kNext = "next3";

// ---- builders -----------------------------------------------------------------------------------

api::Step weight(int w) {
  api::Step s;
  s.set_weight = w;
  return s;
}
api::Step pauseFor(int s) {
  api::Step step;
  step.pause = api::PauseStep{Duration{seconds{s}}};
  return step;
}
api::Step pauseForever() {
  api::Step step;
  step.pause = api::PauseStep{};
  return step;
}

// Three replicas behind a Gateway API route (a mesh provider: both roles run all replicas). No
// scale-down delay, so that promotion and rollback end in the decision that confirms weight 0;
// ScaleDownDelay below covers the delay.
api::ModelDeploymentSpec specWithSteps(std::vector<api::Step> steps) {
  api::ModelDeploymentSpec spec;
  spec.replicas = 3;
  spec.traffic.provider = api::TrafficProvider::kGatewayApi;
  spec.strategy.steps = std::move(steps);
  spec.strategy.scale_down_delay = Duration{0};
  spec.progress_deadline_seconds = 600;
  return spec;
}

api::ModelDeploymentSpec withMetrics(api::ModelDeploymentSpec spec,
                                     api::NoDataPolicy no_data = api::NoDataPolicy::kHold) {
  api::MetricSpec error_rate;
  error_rate.name = "error-rate";
  error_rate.builtin = api::BuiltinMetric::kErrorRate;
  error_rate.max = 1.0;
  spec.analysis.metrics = {error_rate};
  spec.analysis.failure_limit = 2;
  spec.analysis.no_data = no_data;
  spec.analysis.interval = seconds{30};
  return spec;
}

const api::ModelDeploymentSpec kSteps =
    specWithSteps({weight(10), pauseFor(60), weight(50), pauseForever()});
const api::ModelDeploymentSpec kAnalysed = withMetrics(kSteps);

// Every desired pod of `rev` ready (and available).
RoleObservation healthy(const std::string& rev, int n = 3) {
  return {
      .exists = true, .revision = rev, .replicas = n, .ready_replicas = n, .available_replicas = n};
}
// A new Deployment of `rev` whose pods are not ready: nothing serves.
RoleObservation starting(const std::string& rev, int n = 3) {
  return {.exists = true, .revision = rev, .replicas = n};
}
// `ready` of `n` pods of `rev` ready, and only those serve.
RoleObservation partly(const std::string& rev, int ready, int n = 3) {
  return {.exists = true,
          .revision = rev,
          .replicas = n,
          .ready_replicas = ready,
          .available_replicas = ready};
}
// A Deployment re-templated in place to `rev`: none of the new pods is ready yet, while the `n`
// pods of the previous template still serve.
RoleObservation retemplated(const std::string& rev, int n = 3) {
  return {.exists = true, .revision = rev, .replicas = n, .available_replicas = n};
}
// As healthy(), but the Deployment controller has not yet seen the latest template or scale.
RoleObservation stale(const std::string& rev, int n = 3) {
  auto role = healthy(rev, n);
  role.observed_current = false;
  return role;
}
RoleObservation absent() { return RoleObservation{}; }

Observations seen(const std::string& desired, RoleObservation stable, RoleObservation canary,
                  std::optional<std::int32_t> observed_weight) {
  Observations o;
  o.generation = 7;
  o.desired_revision = desired;
  o.stable = std::move(stable);
  o.canary = std::move(canary);
  o.observed_weight = observed_weight;
  return o;
}

// kCanary rolling out over kStable, both fully ready, the router reporting `w` % to the canary.
Observations bothHealthy(std::optional<std::int32_t> w) {
  return seen(kCanary, healthy(kStable), healthy(kCanary), w);
}
// As bothHealthy, but none of the canary's pods is ready yet.
Observations canaryStarting(std::optional<std::int32_t> w) {
  return seen(kCanary, healthy(kStable), starting(kCanary), w);
}
// Only kStable runs (healthy, no canary, weight 0) while the spec asks for `desired`: settled when
// that is kStable, a new rollout to start otherwise.
Observations stableOnly(const std::string& desired) {
  return seen(desired, healthy(kStable), absent(), 0);
}

Observations withRound(Observations o, std::optional<double> value, bool provider_down = false) {
  const auto metric = kAnalysed.analysis.metrics[0];
  o.analysis = std::vector<api::MetricResult>{provider_down
                                                  ? providerError(metric, "connection refused", kT0)
                                                  : checkMetric(metric, value, kT0)};
  return o;
}

api::ModelDeploymentStatus succeeded(const std::string& stable) {
  api::ModelDeploymentStatus s;
  s.phase = Phase::kSucceeded;
  s.stable_revision = stable;
  return s;
}

// A rollout of kCanary over kStable at `step` with `w` % to the canary, step begun at at(0).
api::ModelDeploymentStatus running(int step, int w, Phase phase = Phase::kProgressing) {
  api::ModelDeploymentStatus s;
  s.phase = phase;
  s.stable_revision = kStable;
  s.canary_revision = kCanary;
  s.current_step = step;
  s.canary_weight = w;
  s.rollout_started_at = at(-300);
  s.step_started_at = at(0);
  return s;
}

api::ModelDeploymentStatus passedRoundAt(api::ModelDeploymentStatus s, Timestamp when) {
  auto metric = kAnalysed.analysis.metrics[0];
  s.analysis = {checkMetric(metric, 0.1, when)};
  s.last_analysis_at = when;
  return s;
}

api::ModelDeploymentStatus withPhase(api::ModelDeploymentStatus s, Phase phase) {
  s.phase = phase;
  return s;
}
api::ModelDeploymentStatus withFailedChecks(api::ModelDeploymentStatus s, int n) {
  s.failed_checks = n;
  return s;
}
api::ModelDeploymentStatus withRequests(api::ModelDeploymentStatus s, api::ManualRequests r) {
  s.requests = r;
  return s;
}
api::ModelDeploymentStatus unreadySince(api::ModelDeploymentStatus s, Timestamp when) {
  s.canary_unready_since = when;
  return s;
}
api::ModelDeploymentStatus holdingSince(api::ModelDeploymentStatus s, Timestamp when) {
  s.holding_since = when;
  return s;
}
api::ModelDeploymentStatus rollingBack(int w, api::Outcome outcome, const char* reason) {
  auto s = running(1, w, Phase::kRollingBack);
  s.history = {{kCanary, outcome, reason, at(-10)}};
  return s;
}
api::ModelDeploymentStatus failed(const char* reason) {
  auto s = succeeded(kStable);
  s.phase = Phase::kFailed;
  s.canary_revision = kCanary;
  s.history = {{kCanary, api::Outcome::kRolledBack, reason, at(-10)}};
  return s;
}

api::ManualRequests promote(api::PromoteRequest how) {
  api::ManualRequests r;
  r.promote = how;
  return r;
}
api::ManualRequests abortRequest() {
  api::ManualRequests r;
  r.abort = true;
  return r;
}
api::ManualRequests retryRequest() {
  api::ManualRequests r;
  r.retry = true;
  return r;
}
api::ManualRequests pauseRequest(bool paused) {
  api::ManualRequests r;
  r.paused = paused;
  return r;
}

EnsureRevision ensureStable(const std::string& rev, int n = 3) { return {Role::kStable, rev, n}; }
EnsureRevision ensureCanary(const std::string& rev, int n = 3) { return {Role::kCanary, rev, n}; }

// ---- what a decision writes, in order --------------------------------------------------------

// A step holding at `w` % to kCanary: the weight, then both roles at full strength.
std::vector<Action> holdAt(int w) {
  return {SetWeight{w}, ensureStable(kStable), ensureCanary(kCanary)};
}
// A step taken: the next step's weight `to` asked for once (the current one is not re-asserted).
std::vector<Action> advance(int to) {
  return {SetWeight{to}, ensureStable(kStable), ensureCanary(kCanary)};
}
// A new rollout of `canary` over kStable, at 0 % until the canary is ready.
std::vector<Action> startRollout(const std::string& canary) {
  return {ensureStable(kStable), ensureCanary(canary), SetWeight{0}};
}
// kStable serves everything and no canary is touched.
std::vector<Action> serveStable() { return {ensureStable(kStable), SetWeight{0}}; }
// Everything to kStable first; the canary keeps running until the weight is confirmed.
std::vector<Action> rollBack() {
  return {ensureStable(kStable), SetWeight{0}, ensureCanary(kCanary)};
}
// Everything on kStable, and the canary scaled to zero.
std::vector<Action> scaleCanaryDown() {
  return {ensureStable(kStable), SetWeight{0}, ensureCanary(kCanary, 0)};
}
// The stable role moved to kCanary, `w` % still on the canary role.
std::vector<Action> promoteAt(int w) {
  return {ensureStable(kCanary), SetWeight{w}, ensureCanary(kCanary)};
}
// The shadow stage: weight 0, the mirror on, both roles at full strength.
std::vector<Action> shadowHold() {
  return {SetWeight{0}, SetMirror{true}, ensureStable(kStable), ensureCanary(kCanary)};
}
// The mirror turned off before `rest`.
std::vector<Action> stopMirroringThen(std::vector<Action> rest) {
  rest.insert(rest.begin(), SetMirror{false});
  return rest;
}
// `first`, then the mirror set to `on`.
std::vector<Action> thenMirror(std::vector<Action> first, bool on) {
  first.emplace_back(std::in_place_type<SetMirror>, on);
  return first;
}

// ---- the table ----------------------------------------------------------------------------------

using Check = std::function<void(const Decision&)>;

struct Case {
  std::string name;
  api::ModelDeploymentSpec spec;
  api::ModelDeploymentStatus status;
  Observations observations;
  Timestamp now;
  Phase want_phase;
  std::vector<Action> want_writes;                     // EnsureRevision / SetWeight, in order
  std::vector<std::string> want_events;                // reasons, in order
  std::map<std::string, std::string> want_conditions;  // type -> "Status/Reason"
  Check check = [](const Decision&) {};
};

std::vector<Action> writesOf(const Decision& d) {
  std::vector<Action> out;
  for (const auto& a : d.actions) {
    if (!std::holds_alternative<EmitEvent>(a)) out.push_back(a);
  }
  return out;
}
std::vector<std::string> eventsOf(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& a : d.actions) {
    if (const auto* e = std::get_if<EmitEvent>(&a)) out.push_back(e->reason);
  }
  return out;
}
const api::Condition* condition(const api::ModelDeploymentStatus& s, const std::string& type) {
  for (const auto& c : s.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

std::string describe(const Action& a) {
  if (const auto* e = std::get_if<EnsureRevision>(&a)) {
    return std::string("Ensure{") + (e->role == Role::kStable ? "stable" : "canary") + "," +
           e->revision + "," + std::to_string(e->replicas) + "}";
  }
  if (const auto* w = std::get_if<SetWeight>(&a)) {
    return "SetWeight{" + std::to_string(w->canary_percent) + "}";
  }
  if (const auto* m = std::get_if<SetMirror>(&a)) {
    return std::string("SetMirror{") + (m->enabled ? "on" : "off") + "}";
  }
  return "Event{" + std::get<EmitEvent>(a).reason + "}";
}
std::string describe(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) out += describe(a) + " ";
  return out;
}

// `twice` decided again on `once`'s own status: the same status, no event repeated, and every
// write one that `once` made too.
void expectReplayAgrees(const Decision& once, const Decision& twice) {
  SCOPED_TRACE(describe(once.actions));
  EXPECT_EQ(twice.status, once.status);
  EXPECT_TRUE(eventsOf(twice).empty()) << describe(twice.actions);
  for (const auto& a : writesOf(twice)) {
    bool agrees = false;
    for (const auto& b : writesOf(once)) agrees = agrees || a == b;
    EXPECT_TRUE(agrees) << describe(a);
  }
}

void runCases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const Decision d = decide(c.spec, c.status, c.observations, c.now);
    EXPECT_EQ(d.status.phase, c.want_phase);
    EXPECT_EQ(describe(writesOf(d)), describe(c.want_writes));
    EXPECT_EQ(eventsOf(d), c.want_events);
    for (const auto& [type, want] : c.want_conditions) {
      const auto* got = condition(d.status, type);
      ASSERT_NE(got, nullptr) << type;
      EXPECT_EQ(got->status + "/" + got->reason, want) << type << ": " << got->message;
    }
    // Contract of every decision (CONVENTIONS.md): Ready present; Reconciling and Stalled never
    // both True; Ready False whenever either is; generations copied; requests consumed.
    const auto* ready = condition(d.status, "Ready");
    ASSERT_NE(ready, nullptr);
    const auto* rec = condition(d.status, "Reconciling");
    const auto* stalled = condition(d.status, "Stalled");
    const bool reconciling = rec && rec->status == "True";
    const bool is_stalled = stalled && stalled->status == "True";
    EXPECT_FALSE(reconciling && is_stalled);
    if (reconciling || is_stalled) {
      EXPECT_EQ(ready->status, "False");
    }
    EXPECT_EQ(d.status.observed_generation, 7);
    for (const auto& cond : d.status.conditions) EXPECT_EQ(cond.observed_generation, 7);
    if (c.observations.spec_problems.empty()) {
      EXPECT_EQ(d.status.requests, api::ManualRequests{});
    }
    EXPECT_LE(d.status.history.size(), api::kMaxHistory);
    // The requeue contract (decide.h): never 0; nullopt only once settled.
    if (d.requeue_after) {
      EXPECT_GT(*d.requeue_after, Duration{0});
    }
    if (d.status.phase != Phase::kSucceeded && d.status.phase != Phase::kFailed) {
      EXPECT_TRUE(d.requeue_after.has_value()) << "a rollout in flight must be looked at again";
    }
    c.check(d);
  }
}

// ---- transitions --------------------------------------------------------------------------------

TEST(DecideTest, InvalidSpecTouchesNothingAndWarnsOnce) {
  auto problems = stableOnly(kStable);
  problems.spec_problems = {"spec.replicas: must be at least 1"};
  auto already_reported = running(1, 10);
  already_reported.conditions = {{"Stalled", "True", "InvalidSpec",
                                  "invalid spec: spec.replicas: must be at least 1", at(-5), 6}};
  runCases({
      {"InvalidSpecHoldsEverythingAndStalls",
       kSteps,
       withRequests(running(1, 10), abortRequest()),
       problems,
       at(1),
       Phase::kProgressing,
       {},
       {"InvalidSpec"},
       {{"Ready", "False/InvalidSpec"},
        {"Stalled", "True/InvalidSpec"},
        {"Reconciling", "False/InvalidSpec"}},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.requests.abort);  // kept until the spec is valid again
         EXPECT_EQ(d.status.canary_weight, 10);
       }},
      {"InvalidSpecAlreadyReportedEmitsNoEvent",
       kSteps,
       already_reported,
       problems,
       at(2),
       Phase::kProgressing,
       {},
       {},
       {{"Stalled", "True/InvalidSpec"}},
       [](const Decision& d) {
         EXPECT_EQ(condition(d.status, "Stalled")->last_transition_time, at(-5));
       }},
  });
}

TEST(DecideTest, InitialDeployPromotesDirectly) {
  api::ModelDeploymentStatus deploying;
  deploying.rollout_started_at = at(-10);
  runCases({
      {"FirstRevisionCreatesStable",
       kSteps,
       api::ModelDeploymentStatus{},
       seen(kStable, absent(), absent(), std::nullopt),
       at(0),
       Phase::kInitializing,
       serveStable(),
       {},
       {{"Ready", "False/Progressing"}, {"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.rollout_started_at, at(0));
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
       }},
      {"HealthyStableSucceeds",
       kSteps,
       deploying,
       stableOnly(kStable),
       at(0),
       Phase::kSucceeded,
       serveStable(),
       {"Deployed"},
       {{"Ready", "True/Succeeded"}, {"Reconciling", "False/Succeeded"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.stable_revision, kStable);
         ASSERT_EQ(d.status.history.size(), 1u);
         EXPECT_EQ(d.status.history[0].outcome, api::Outcome::kPromoted);
         EXPECT_EQ(d.status.message, "revision stable1 serves 100%");
       }},
      {"StableNeverReadyStallsButKeepsTrying",
       kSteps,
       deploying,
       seen(kStable, starting(kStable), absent(), 0),
       at(601),
       Phase::kInitializing,
       serveStable(),
       {"ProgressDeadlineExceeded"},
       {{"Stalled", "True/ProgressDeadlineExceeded"},
        {"Reconciling", "False/ProgressDeadlineExceeded"}}},
      {"RequestsBeforeFirstDeployAreIgnored",
       kSteps,
       withRequests(deploying, promote(api::PromoteRequest::kFull)),
       seen(kStable, starting(kStable), absent(), 0),
       at(1),
       Phase::kInitializing,
       serveStable(),
       {"RequestIgnored"},
       {}},
  });
}

TEST(DecideTest, SteadyStateKeepsStableAndScalesLeftoverCanaryDown) {
  runCases({
      {"SteadyIsIdempotent",
       kSteps,
       succeeded(kStable),
       stableOnly(kStable),
       at(0),
       Phase::kSucceeded,
       serveStable(),
       {},
       {{"Ready", "True/Succeeded"}},
       [](const Decision& d) { EXPECT_EQ(d.requeue_after, std::nullopt); }},
      {"LeftoverCanaryScaledDown",
       kSteps,
       succeeded(kStable),
       seen(kStable, healthy(kStable), healthy(kCanary), 0),
       at(0),
       Phase::kSucceeded,
       scaleCanaryDown(),
       {},
       {}},
      {"UnreadyStableIsNotReady",
       kSteps,
       succeeded(kStable),
       seen(kStable, partly(kStable, 2), absent(), 0),
       at(0),
       Phase::kSucceeded,
       serveStable(),
       {},
       {{"Ready", "False/Scaling"},
        {"Reconciling", "True/Scaling"},
        {"Stalled", "False/Succeeded"}},
       [](const Decision& d) { EXPECT_EQ(d.requeue_after, kReadinessPoll); }},
      {"RequestWithNothingToDoIsClearedWithAWarning",
       kSteps,
       withRequests(succeeded(kStable), abortRequest()),
       stableOnly(kStable),
       at(0),
       Phase::kSucceeded,
       serveStable(),
       {"RequestIgnored"},
       {}},
  });
}

TEST(DecideTest, NewRevisionStartsAtStepZeroAndWaitsForCanary) {
  runCases({
      {"NewRevisionStartsProgressing",
       kSteps,
       succeeded(kStable),
       stableOnly(kCanary),
       at(0),
       Phase::kProgressing,
       startRollout(kCanary),
       {"RolloutStarted"},
       {{"Reconciling", "True/Progressing"}, {"Ready", "False/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_revision, kCanary);
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_EQ(d.status.rollout_started_at, at(0));
         EXPECT_EQ(d.status.step_started_at, at(0));
       }},
      {"UnreadyCanaryHoldsAtZero",
       kSteps,
       running(0, 0),
       canaryStarting(0),
       at(20),
       Phase::kProgressing,
       holdAt(0),
       {},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(20));  // the step has not begun yet
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
         EXPECT_EQ(d.status.message, "waiting for canary canary2: 0/3 ready");
       }},
      {"CanaryPastProgressDeadlineRollsBack",
       kSteps,
       unreadySince(running(0, 0), at(-300)),
       canaryStarting(0),
       at(301),
       Phase::kFailed,
       scaleCanaryDown(),
       {"RollingBack", "RolledBack"},
       {{"Stalled", "True/ProgressDeadlineExceeded"}, {"Ready", "False/ProgressDeadlineExceeded"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.history.back().reason, "ProgressDeadlineExceeded");
         EXPECT_EQ(d.status.canary_revision, kCanary);
       }},
  });
}

TEST(DecideTest, StepsSetWeightsAndPause) {
  runCases({
      {"ReadyCanaryTakesFirstWeight",
       kSteps,
       running(0, 0),
       bothHealthy(0),
       at(5),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 10);
         EXPECT_EQ(d.status.step_started_at, at(5));
         EXPECT_EQ(d.status.message, "step 1/4, 10% to canary2");
       }},
      {"WeightNotYetConfirmedHolds",
       kSteps,
       running(0, 10),
       bothHealthy(0),
       at(5),
       Phase::kProgressing,
       holdAt(10),
       {},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.current_step, 0); }},
      {"ConfirmedWeightAdvancesToPause",
       kSteps,
       running(0, 10),
       bothHealthy(10),
       at(5),
       Phase::kProgressing,
       holdAt(10),
       {"StepAdvanced"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 1);
         EXPECT_EQ(d.status.step_started_at, at(5));
         EXPECT_EQ(d.requeue_after, Duration{seconds{60}});
       }},
      {"PauseNotElapsedHolds",
       kSteps,
       running(1, 10),
       bothHealthy(10),
       at(45),
       Phase::kProgressing,
       holdAt(10),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 1);
         EXPECT_EQ(d.requeue_after, Duration{seconds{15}});
       }},
      {"ElapsedPauseAdvancesToNextWeight",
       kSteps,
       running(1, 10),
       bothHealthy(10),
       at(60),
       Phase::kProgressing,
       advance(50),
       {"StepAdvanced"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 2);
         EXPECT_EQ(d.status.canary_weight, 50);
       }},
      {"IndefinitePauseAwaitsPromotion",
       kSteps,
       running(3, 50),
       bothHealthy(50),
       at(9999),
       Phase::kPaused,
       holdAt(50),
       {},
       {{"Reconciling", "True/AwaitingPromotion"}},
       [](const Decision& d) { EXPECT_EQ(d.requeue_after, kInFlightResync); }},
      {"LeavingLastStepPromotes",
       specWithSteps({weight(10)}),
       running(0, 10),
       bothHealthy(10),
       at(5),
       Phase::kPromoting,
       promoteAt(10),
       {"Promoting"},
       {{"Reconciling", "True/Promoting"}}},
  });
}

// Four replicas behind one Service, weights realised as pod counts.
api::ModelDeploymentSpec replicaSteps() {
  auto spec = specWithSteps({weight(10), weight(50)});
  spec.traffic.provider = api::TrafficProvider::kReplicas;
  spec.replicas = 4;
  return spec;
}

TEST(DecideTest, ReplicasProviderRealisesWeightsAsReplicaRatios) {
  const auto spec = replicaSteps();
  EXPECT_EQ(canaryReplicas(spec, 0), 0);  // no canary pod in the Service at 0 %
  EXPECT_EQ(stableReplicas(spec, 0), 4);
  EXPECT_EQ(canaryReplicas(spec, 10), 1);
  EXPECT_EQ(stableReplicas(spec, 10), 3);
  EXPECT_EQ(canaryReplicas(spec, 50), 2);
  EXPECT_EQ(stableReplicas(spec, 100), 1);
  EXPECT_EQ(canaryReplicas(kSteps, 0), 3);  // a mesh splits traffic itself
  EXPECT_EQ(canaryReplicas(kSteps, 10), 3);
  const auto world = [](RoleObservation stable, RoleObservation canary) {
    return seen(kCanary, std::move(stable), std::move(canary), std::nullopt);
  };
  runCases({
      {"NewRolloutRunsNoCanaryPodAtWeightZero",
       spec,
       succeeded(kStable),
       seen(kCanary, healthy(kStable, 4), absent(), std::nullopt),
       at(0),
       Phase::kProgressing,
       {ensureStable(kStable, 4), ensureCanary(kCanary, 0), SetWeight{0}},
       {"RolloutStarted"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_unready_since, std::nullopt); }},
      {"FirstWeightStartsCanaryPodsWhileStableKeepsAll",
       spec,
       running(0, 0),
       world(healthy(kStable, 4), absent()),
       at(1),
       Phase::kProgressing,
       {SetWeight{10}, ensureStable(kStable, 4), ensureCanary(kCanary, 1)},
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_EQ(d.status.step_started_at, at(1));
       }},
      {"StartingCanaryPodKeepsStableAndTheStepClock",
       spec,
       running(0, 10),
       world(healthy(kStable, 4), starting(kCanary, 1)),
       at(5),
       Phase::kProgressing,
       {SetWeight{10}, ensureStable(kStable, 4), ensureCanary(kCanary, 1)},
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(5));  // the step has not begun
         EXPECT_EQ(d.status.canary_unready_since, at(5));
       }},
      {"StableGivesUpPodsOnceTheCanaryRunsItsShare",
       spec,
       unreadySince(running(0, 10), at(1)),
       world(healthy(kStable, 4), healthy(kCanary, 1)),
       at(10),
       Phase::kProgressing,
       {SetWeight{10}, ensureStable(kStable, 3), ensureCanary(kCanary, 1)},
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 0);  // not confirmed until the stable runs 3
         EXPECT_EQ(d.status.step_started_at, at(10));
         EXPECT_EQ(d.status.canary_unready_since, std::nullopt);
       }},
      {"BothCountsConfirmTheWeightAndTheNextStepScalesTheCanaryFirst",
       spec,
       running(0, 10),
       world(healthy(kStable, 3), healthy(kCanary, 1)),
       at(15),
       Phase::kProgressing,
       {SetWeight{50}, ensureStable(kStable, 3), ensureCanary(kCanary, 2)},
       {"StepAdvanced"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.current_step, 1); }},
      {"CanaryPodsStartingAtTheNextCountKeepTheStable",
       spec,
       running(1, 50),
       world(healthy(kStable, 3), partly(kCanary, 1, 2)),
       at(20),
       Phase::kProgressing,
       {SetWeight{50}, ensureStable(kStable, 3), ensureCanary(kCanary, 2)},
       {},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.step_started_at, at(20)); }},
      {"PromotionScalesTheCanaryDownAtOnceWithoutARouter",
       [] {
         auto delayed = replicaSteps();
         delayed.strategy.scale_down_delay = seconds{30};
         return delayed;
       }(),
       running(1, 50, Phase::kPromoting),
       world(healthy(kCanary, 4), healthy(kCanary, 2)),
       at(30),
       Phase::kSucceeded,
       {ensureStable(kCanary, 4), SetWeight{0}, ensureCanary(kCanary, 0)},
       {"Promoted"},
       {}},
  });
}

TEST(DecideTest, AnalysisGatesEveryStep) {
  auto gated = passedRoundAt(running(1, 10), at(-5));  // passed, but before this step began
  runCases({
      {"NoRoundSinceStepBeganHolds",
       kAnalysed,
       gated,
       bothHealthy(10),
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"Reconciling", "True/Analysing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 1);
         // The pause has elapsed and the round is overdue: poll for it, never 0 (A1).
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
       }},
      {"PassingRoundOpensTheGate",
       kAnalysed,
       gated,
       withRound(bothHealthy(10), 0.2),
       at(61),
       Phase::kProgressing,
       advance(50),
       {"StepAdvanced"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 2);
         EXPECT_EQ(d.status.last_analysis_at, at(61));
       }},
      {"FailedCheckHoldsWeight",
       kAnalysed,
       gated,
       withRound(bothHealthy(10), 5.0),
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {"AnalysisFailed"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.failed_checks, 1);
         EXPECT_EQ(d.status.current_step, 1);
       }},
      {"RollsBackWhenFailedChecksReachLimit",
       kAnalysed,
       withFailedChecks(gated, 1),
       withRound(bothHealthy(10), 5.0),
       at(61),
       Phase::kRollingBack,
       rollBack(),
       {"AnalysisFailed", "RollingBack"},
       {{"Reconciling", "True/RollingBack"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.failed_checks, 2);
         EXPECT_EQ(d.status.history.back().outcome, api::Outcome::kRolledBack);
         EXPECT_EQ(d.status.history.back().reason, "FailedChecks");
       }},
      {"NoDataHoldsWithoutFailing",
       kAnalysed,
       gated,
       withRound(bothHealthy(10), std::nullopt),
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"AnalysisNoData", "True/NoData"}, {"Stalled", "False/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.failed_checks, 0);
         EXPECT_EQ(d.status.current_step, 1);
         EXPECT_EQ(d.status.holding_since, at(61));          // the hold clock starts
         EXPECT_EQ(d.requeue_after, Duration{seconds{30}});  // the next round
       }},
      {"NoDataFailsUnderNoDataFail",
       withMetrics(kSteps, api::NoDataPolicy::kFail),
       gated,
       withRound(bothHealthy(10), std::nullopt),
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {"AnalysisFailed"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.failed_checks, 1); }},
      {"ProviderErrorIsNeverAPass",
       kAnalysed,
       gated,
       withRound(bothHealthy(10), {}, true),
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"MetricsUnavailable", "True/ProviderError"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.failed_checks, 0);
         EXPECT_EQ(d.status.current_step, 1);
       }},
      {"ProviderErrorNeverPromotes",
       withMetrics(specWithSteps({weight(10)})),
       passedRoundAt(running(0, 10), at(-5)),
       withRound(bothHealthy(10), {}, true),
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {},
       {}},
      {"RoundWhileCanaryStartsIsNotCounted",
       withMetrics(kSteps, api::NoDataPolicy::kFail),
       running(0, 0),
       withRound(canaryStarting(0), {}),
       at(40),
       Phase::kProgressing,
       holdAt(0),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.failed_checks, 0);
         EXPECT_EQ(d.status.last_analysis_at, std::nullopt);
       }},
  });
}

TEST(DecideTest, RoundThatEndedTheStepDoesNotOpenTheNextOne) {
  // The round at 61 s passed step 1 (10 %) and step 2 (50 %) began at that instant: its window
  // saw only 10 % traffic, so step 2 still waits for a round of its own.
  auto entered = passedRoundAt(running(2, 50), at(61));
  entered.step_started_at = at(61);
  runCases({
      {"RoundAtTheStepStartIsThePreviousStepsRound",
       kAnalysed,
       entered,
       bothHealthy(50),
       at(65),
       Phase::kProgressing,
       holdAt(50),
       {},
       {{"Reconciling", "True/Analysing"}},
       [](const Decision& d) { EXPECT_EQ(d.status.current_step, 2); }},
  });
}

TEST(DecideTest, RollbackSendsTrafficToStableFirst) {
  runCases({
      {"RollbackWaitsForWeightZero",
       kSteps,
       rollingBack(10, api::Outcome::kRolledBack, "FailedChecks"),
       bothHealthy(10),
       at(1),
       Phase::kRollingBack,
       rollBack(),
       {},
       {{"Reconciling", "True/RollingBack"}}},
      {"RollbackScalesCanaryDownOnceStableCarries",
       kSteps,
       rollingBack(0, api::Outcome::kRolledBack, "FailedChecks"),
       bothHealthy(0),
       at(2),
       Phase::kFailed,
       scaleCanaryDown(),
       {"RolledBack"},
       {{"Stalled", "True/RolledBack"},
        {"Reconciling", "False/RolledBack"},
        {"Ready", "False/RolledBack"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_revision, kCanary);  // the failed revision is remembered
         EXPECT_EQ(d.status.canary_weight, 0);
       }},
      {"RollbackHoldsWhenStableIsDead",
       kSteps,
       rollingBack(10, api::Outcome::kRolledBack, "FailedChecks"),
       seen(kCanary, starting(kStable), healthy(kCanary), 10),
       at(1),
       Phase::kRollingBack,
       {ensureStable(kStable), ensureCanary(kCanary)},
       {},
       {{"StableUnavailable", "True/StableNotServing"}},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_weight, 10); }},
      {"AbortedRollbackStallsAsAborted",
       kSteps,
       rollingBack(0, api::Outcome::kAborted, "Aborted"),
       bothHealthy(0),
       at(2),
       Phase::kFailed,
       scaleCanaryDown(),
       {"RolledBack"},
       {{"Stalled", "True/Aborted"}}},
  });
}

TEST(DecideTest, RolledBackConditionNamesTheGatesThatFailed) {
  auto status = rollingBack(0, api::Outcome::kRolledBack, "FailedChecks");
  status.analysis = {{"error-rate", 7.0, api::CheckResult::kFail, "", at(-1)},
                     {"latency-p99", 12.0, api::CheckResult::kPass, "", at(-1)}};
  const Decision d = decide(kSteps, status, bothHealthy(0), at(2));
  ASSERT_EQ(d.status.phase, Phase::kFailed);
  const auto* stalled = condition(d.status, "Stalled");
  ASSERT_NE(stalled, nullptr);
  EXPECT_NE(stalled->message.find("FailedChecks: error-rate"), std::string::npos)
      << stalled->message;
  EXPECT_EQ(stalled->message.find("latency-p99"), std::string::npos) << stalled->message;
}

TEST(DecideTest, FailedWaitsForANewRevisionOrARetry) {
  // The failed canary's Deployment is kept, scaled to zero.
  const auto after_rollback =
      seen(kCanary, healthy(kStable), RoleObservation{.exists = true, .revision = kCanary}, 0);
  runCases({
      {"FailedStaysFailedForTheSameRevision",
       kSteps,
       failed("FailedChecks"),
       after_rollback,
       at(0),
       Phase::kFailed,
       serveStable(),
       {},
       {{"Stalled", "True/RolledBack"}},
       [](const Decision& d) { EXPECT_EQ(d.requeue_after, std::nullopt); }},
      {"RetryRestartsFromStepZero",
       kSteps,
       withRequests(failed("FailedChecks"), retryRequest()),
       after_rollback,
       at(0),
       Phase::kProgressing,
       startRollout(kCanary),
       {"Retry"},
       {{"Stalled", "False/Progressing"}, {"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_EQ(d.status.failed_checks, 0);
       }},
      {"NewRevisionAfterFailureStartsRollout",
       kSteps,
       failed("FailedChecks"),
       stableOnly(kNext),
       at(0),
       Phase::kProgressing,
       startRollout(kNext),
       {"RolloutStarted"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_revision, kNext); }},
      {"RevertedSpecSucceedsAndCleansUp",
       kSteps,
       failed("FailedChecks"),
       seen(kStable, healthy(kStable), healthy(kCanary), 0),
       at(0),
       Phase::kSucceeded,
       scaleCanaryDown(),
       {"RevertedToStable"},
       {{"Ready", "True/Succeeded"}, {"Stalled", "False/Succeeded"}},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_revision, ""); }},
  });
}

TEST(DecideTest, PromotionMovesStableThenTraffic) {
  auto promoting = running(3, 50, Phase::kPromoting);
  runCases({
      {"StableTakesCanaryRevisionUnderCurrentWeight",
       kSteps,
       promoting,
       bothHealthy(50),
       at(1),
       Phase::kPromoting,
       promoteAt(50),
       {},
       {{"Reconciling", "True/Promoting"}}},
      {"HealthyNewStableGetsTrafficBack",
       kSteps,
       promoting,
       seen(kCanary, healthy(kCanary), healthy(kCanary), 50),
       at(2),
       Phase::kPromoting,
       promoteAt(0),
       {},
       {}},
      {"ConfirmedWeightZeroFinishesPromotion",
       kSteps,
       withPhase(running(3, 0), Phase::kPromoting),
       seen(kCanary, healthy(kCanary), healthy(kCanary), 0),
       at(3),
       Phase::kSucceeded,
       {ensureStable(kCanary), SetWeight{0}, ensureCanary(kCanary, 0)},
       {"Promoted"},
       {{"Ready", "True/Succeeded"}, {"Reconciling", "False/Succeeded"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.stable_revision, kCanary);
         EXPECT_EQ(d.status.canary_revision, "");
         EXPECT_EQ(d.status.history.back().outcome, api::Outcome::kPromoted);
       }},
      {"DeadStableDuringPromotionRoutesAllToCanary",
       kSteps,
       promoting,
       seen(kCanary, starting(kCanary), healthy(kCanary), 50),
       at(4),
       Phase::kPromoting,
       promoteAt(100),
       {},
       {{"StableUnavailable", "True/StableNotServing"}},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_weight, 100); }},
      {"NeitherServingHolds",
       kSteps,
       promoting,
       seen(kCanary, starting(kCanary), starting(kCanary), 50),
       at(5),
       Phase::kPromoting,
       promoteAt(50),
       {},
       {}},
  });
}

TEST(DecideTest, NewRevisionMidRolloutRestartsAtStepZero) {
  auto mid = withFailedChecks(passedRoundAt(running(2, 50), at(10)), 1);
  runCases({
      {"SupersededCanaryLeavesTrafficBeforeItsPodsAreReplaced",
       kAnalysed,
       mid,
       seen(kNext, healthy(kStable), healthy(kCanary), 50),
       at(20),
       Phase::kProgressing,
       {ensureStable(kStable), SetWeight{0}, ensureCanary(kCanary)},
       {},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_revision, kCanary);  // not re-templated yet
         EXPECT_EQ(d.status.canary_weight, 0);
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
       }},
      {"SupersededCanaryRestartsOnceWeightZeroHolds",
       kAnalysed,
       [&] {
         auto drained = mid;
         drained.canary_weight = 0;
         return drained;
       }(),
       seen(kNext, healthy(kStable), healthy(kCanary), 0),
       at(25),
       Phase::kProgressing,
       startRollout(kNext),
       {"RolloutRestarted"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_revision, kNext);
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_EQ(d.status.failed_checks, 0);
         EXPECT_TRUE(d.status.analysis.empty());
         EXPECT_EQ(d.status.last_analysis_at, std::nullopt);
       }},
      {"SupersededDuringPromotionRevertsStableAndDrainsTheCanaryFirst",
       kSteps,
       withPhase(running(3, 50), Phase::kPromoting),
       seen(kNext, partly(kCanary, 1), healthy(kCanary), 50),
       at(20),
       Phase::kProgressing,
       {ensureStable(kStable), SetWeight{0}, ensureCanary(kCanary)},
       {},
       {}},
      {"SpecBackAtStableRollsBack",
       kSteps,
       running(2, 50),
       seen(kStable, healthy(kStable), healthy(kCanary), 50),
       at(20),
       Phase::kRollingBack,
       rollBack(),
       {"RollingBack"},
       {}},
  });
}

TEST(DecideTest, ManualRequests) {
  const auto world = bothHealthy(10);
  auto user_paused = running(1, 10, Phase::kPaused);
  user_paused.paused_by_user = true;
  runCases({
      {"PromoteStepSkipsAPause",
       kSteps,
       withRequests(running(1, 10), promote(api::PromoteRequest::kStep)),
       world,
       at(1),
       Phase::kProgressing,
       advance(50),
       {"StepAdvanced"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.current_step, 2); }},
      {"PromoteStepEndsAnIndefinitePause",
       kSteps,
       withRequests(running(3, 50, Phase::kPaused), promote(api::PromoteRequest::kStep)),
       bothHealthy(50),
       at(1),
       Phase::kPromoting,
       promoteAt(50),
       {"Promoting"},
       {}},
      {"PromoteFullSkipsStepsAndGates",
       kAnalysed,
       withRequests(running(0, 10), promote(api::PromoteRequest::kFull)),
       world,
       at(1),
       Phase::kPromoting,
       promoteAt(10),
       {"Promoting"},
       {}},
      {"AbortRollsBack",
       kSteps,
       withRequests(running(1, 10), abortRequest()),
       world,
       at(1),
       Phase::kRollingBack,
       rollBack(),
       {"RollingBack"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.history.back().outcome, api::Outcome::kAborted);
       }},
      {"PauseHoldsEverything",
       kSteps,
       withRequests(running(1, 10), pauseRequest(true)),
       world,
       at(61),
       Phase::kPaused,
       holdAt(10),
       {"Paused"},
       {{"Reconciling", "True/Paused"}},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.paused_by_user);
         EXPECT_EQ(d.status.current_step, 1);
       }},
      {"PausedStillRecordsAnalysis",
       kAnalysed,
       user_paused,
       withRound(world, 5.0),
       at(61),
       Phase::kPaused,
       holdAt(10),
       {"AnalysisFailed"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.failed_checks, 1); }},
      {"ResumeRestartsThePauseTimer",
       kSteps,
       withRequests(user_paused, pauseRequest(false)),
       world,
       at(61),
       Phase::kProgressing,
       holdAt(10),
       {"Resumed"},
       {},
       [](const Decision& d) {
         EXPECT_FALSE(d.status.paused_by_user);
         EXPECT_EQ(d.status.step_started_at, at(61));
         EXPECT_EQ(d.status.current_step, 1);
       }},
      {"RetryWhileRunningIsIgnored",
       kSteps,
       withRequests(running(1, 10), retryRequest()),
       world,
       at(1),
       Phase::kProgressing,
       holdAt(10),
       {"RequestIgnored"},
       {}},
      {"PauseDuringPromotionIsIgnored",
       kSteps,
       withRequests(running(3, 50, Phase::kPromoting), pauseRequest(true)),
       bothHealthy(50),
       at(1),
       Phase::kPromoting,
       promoteAt(50),
       {"RequestIgnored"},
       {}},
      {"PauseWhilePausedIsIgnoredWithAWarning",
       kSteps,
       withRequests(user_paused, pauseRequest(true)),
       world,
       at(1),
       Phase::kPaused,
       holdAt(10),
       {"RequestIgnored"},
       {{"Reconciling", "True/Paused"}}},
      {"ResumeWhileRunningIsIgnoredWithAWarning",
       kSteps,
       withRequests(running(1, 10), pauseRequest(false)),
       world,
       at(1),
       Phase::kProgressing,
       holdAt(10),
       {"RequestIgnored"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.step_started_at, at(0)); }},
      {"PromoteFullRefusesAPauseSentWithIt",
       kSteps,
       withRequests(running(1, 10),
                    api::ManualRequests{.promote = api::PromoteRequest::kFull, .paused = true}),
       world,
       at(1),
       Phase::kPromoting,
       promoteAt(10),
       {"RequestIgnored", "Promoting"},
       {},
       [](const Decision& d) { EXPECT_FALSE(d.status.paused_by_user); }},
      {"RefusedPromoteKeepsTheUserPause",
       kSteps,
       withRequests(user_paused, promote(api::PromoteRequest::kStep)),
       seen(kCanary, healthy(kStable), partly(kCanary, 1), 10),
       at(1),
       Phase::kPaused,
       holdAt(10),
       {"RequestIgnored"},
       {{"Reconciling", "True/Paused"}},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.paused_by_user);
         EXPECT_EQ(d.status.current_step, 1);
       }},
  });
}

// ---- deadlines count progress, not time -------------------------------------------------------

TEST(DecideTest, ProgressDeadlineCountsOnlyTimeTheCanaryIsNotReady) {
  const auto hour_pause = specWithSteps({weight(10), pauseFor(3600), weight(50)});
  auto paused_long = running(3, 50, Phase::kPaused);
  paused_long.rollout_started_at = at(-90000);
  paused_long.step_started_at = at(-86000);
  runCases({
      {"PodBlipLateInALongPauseKeepsTheRollout",
       hour_pause,
       running(1, 10),
       seen(kCanary, healthy(kStable), partly(kCanary, 2), 10),
       at(1800),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_unready_since, at(1800));
         EXPECT_EQ(d.status.step_started_at, at(0));  // the pause keeps counting
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
       }},
      {"CanaryUnreadyForTheDeadlineSinceItFellOverRollsBack",
       hour_pause,
       unreadySince(running(1, 10), at(1800)),
       seen(kCanary, healthy(kStable), partly(kCanary, 2), 10),
       at(2401),
       Phase::kRollingBack,
       rollBack(),
       {"RollingBack"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.history.back().reason, "ProgressDeadlineExceeded");
       }},
      {"ReadyCanaryClearsTheUnreadyClock",
       hour_pause,
       unreadySince(running(1, 10), at(1800)),
       bothHealthy(10),
       at(2000),
       Phase::kProgressing,
       holdAt(10),
       {},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_unready_since, std::nullopt); }},
      {"IndefinitePauseConsumesNoDeadline",
       kSteps,
       paused_long,
       seen(kCanary, healthy(kStable), partly(kCanary, 2), 50),
       at(0),
       Phase::kPaused,
       holdAt(50),
       {},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_unready_since, at(0)); }},
  });
}

// A setWeight step begins when its weight holds in the world: a round taken before that saw the
// previous weight.
TEST(DecideTest, StepClockStartsWhenTheWeightIsConfirmed) {
  runCases({
      {"UnconfirmedWeightRestartsTheStepClock",
       kAnalysed,
       passedRoundAt(running(0, 10), at(35)),
       bothHealthy(0),
       at(40),
       Phase::kProgressing,
       holdAt(10),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(40));
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_FALSE(analysisDue(kAnalysed, d.status, at(69)));
       }},
      {"ConfirmedWeightKeepsTheClock",
       kAnalysed,
       running(0, 10),
       bothHealthy(10),
       at(20),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"Reconciling", "True/Analysing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(0));
         EXPECT_EQ(d.requeue_after, Duration{seconds{10}});
       }},
  });
}

TEST(DecideTest, ScaleDownDelayKeepsTheCanaryAfterTrafficLeavesIt) {
  auto delayed = kSteps;
  delayed.strategy.scale_down_delay = seconds{30};
  auto promoted = withPhase(running(3, 0), Phase::kPromoting);
  auto left = promoted;
  left.traffic_left_canary_at = at(3);
  auto rolling = rollingBack(0, api::Outcome::kRolledBack, "FailedChecks");
  auto rolled = rolling;
  rolled.traffic_left_canary_at = at(3);
  const auto promoted_world = seen(kCanary, healthy(kCanary), healthy(kCanary), 0);
  runCases({
      {"PromotionWaitsTheDelayAfterWeightZero",
       delayed,
       promoted,
       promoted_world,
       at(3),
       Phase::kPromoting,
       {ensureStable(kCanary), SetWeight{0}, ensureCanary(kCanary)},
       {},
       {{"Reconciling", "True/Promoting"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.traffic_left_canary_at, at(3));
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
         EXPECT_EQ(d.status.stable_revision, kStable);
       }},
      {"PromotionScalesTheCanaryDownAfterTheDelay",
       delayed,
       left,
       promoted_world,
       at(33),
       Phase::kSucceeded,
       {ensureStable(kCanary), SetWeight{0}, ensureCanary(kCanary, 0)},
       {"Promoted"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.traffic_left_canary_at, std::nullopt); }},
      {"RollbackWaitsTheDelayAfterWeightZero",
       delayed,
       rolling,
       bothHealthy(0),
       at(3),
       Phase::kRollingBack,
       rollBack(),
       {},
       {{"Reconciling", "True/RollingBack"}},
       [](const Decision& d) { EXPECT_EQ(d.status.traffic_left_canary_at, at(3)); }},
      {"RollbackStillWithinTheDelayRequeuesForItsEnd",
       delayed,
       rolled,
       bothHealthy(0),
       at(30),
       Phase::kRollingBack,
       rollBack(),
       {},
       {},
       [](const Decision& d) { EXPECT_EQ(d.requeue_after, Duration{seconds{3}}); }},
      {"RollbackScalesTheCanaryDownAfterTheDelay",
       delayed,
       rolled,
       bothHealthy(0),
       at(33),
       Phase::kFailed,
       scaleCanaryDown(),
       {"RolledBack"},
       {{"Stalled", "True/RolledBack"}}},
  });
}

// ---- holds that only time ends turn Stalled -----------------------------------------------------

api::ModelDeploymentStatus noDataRoundAt(api::ModelDeploymentStatus s, Timestamp when,
                                         bool provider_down = false) {
  const auto metric = kAnalysed.analysis.metrics[0];
  s.analysis = {provider_down ? providerError(metric, "connection refused", when)
                              : checkMetric(metric, std::nullopt, when)};
  s.last_analysis_at = when;
  return s;
}

TEST(DecideTest, HoldsPastTheDeadlineStall) {
  auto promoting = holdingSince(running(3, 50, Phase::kPromoting), at(0));
  auto dead_stable_rollback =
      holdingSince(rollingBack(10, api::Outcome::kRolledBack, "FailedChecks"), at(0));
  const auto held = holdingSince(noDataRoundAt(running(1, 10), at(61)), at(61));
  auto stalled_no_data = held;
  stalled_no_data.conditions = {{"Stalled", "True", "AnalysisNoData", "held", at(662), 7}};
  runCases({
      {"PromotionStartsTheHoldClock",
       kSteps,
       running(3, 50, Phase::kPromoting),
       seen(kCanary, retemplated(kCanary), healthy(kCanary), 50),
       at(1),
       Phase::kPromoting,
       promoteAt(50),
       {},
       {{"Reconciling", "True/Promoting"}},
       [](const Decision& d) { EXPECT_EQ(d.status.holding_since, at(1)); }},
      {"PromotionWhoseStableNeverBecomesReadyRollsBack",
       kSteps,
       promoting,
       seen(kCanary, retemplated(kCanary), healthy(kCanary), 50),
       at(601),
       Phase::kRollingBack,
       rollBack(),
       {"RollingBack"},
       {{"Reconciling", "True/RollingBack"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.history.back().reason, "PromotionStuck");
         EXPECT_EQ(d.status.history.back().outcome, api::Outcome::kRolledBack);
         EXPECT_EQ(d.status.holding_since, at(601));  // the rollback's own clock
       }},
      {"RollbackWithADeadStableStallsButHoldsTraffic",
       kSteps,
       dead_stable_rollback,
       seen(kCanary, starting(kStable), healthy(kCanary), 10),
       at(601),
       Phase::kRollingBack,
       {ensureStable(kStable), ensureCanary(kCanary)},
       {"RollbackStuck"},
       {{"Stalled", "True/RollbackStuck"},
        {"Reconciling", "False/RollbackStuck"},
        {"StableUnavailable", "True/StableNotServing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 10);
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
       }},
      {"NoDataHoldStallsAfterTheDeadline",
       kAnalysed,
       held,
       withRound(bothHealthy(10), std::nullopt),
       at(662),
       Phase::kProgressing,
       holdAt(10),
       {"AnalysisNoData"},
       {{"Stalled", "True/AnalysisNoData"},
        {"Reconciling", "False/AnalysisNoData"},
        {"AnalysisNoData", "True/NoData"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.holding_since, at(61));
         EXPECT_EQ(d.requeue_after, Duration{seconds{30}});  // rounds go on
       }},
      {"ProviderErrorHoldStallsAfterTheDeadline",
       kAnalysed,
       holdingSince(noDataRoundAt(running(1, 10), at(61), true), at(61)),
       withRound(bothHealthy(10), {}, true),
       at(662),
       Phase::kProgressing,
       holdAt(10),
       {"MetricsUnavailable"},
       {{"Stalled", "True/MetricsUnavailable"}, {"MetricsUnavailable", "True/ProviderError"}}},
      {"PassingRoundEndsTheStallAndTheRolloutResumes",
       kAnalysed,
       stalled_no_data,
       withRound(bothHealthy(10), 0.2),
       at(700),
       Phase::kProgressing,
       advance(50),
       {"StepAdvanced"},
       {{"Stalled", "False/Progressing"}, {"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.holding_since, std::nullopt);
         EXPECT_EQ(d.status.current_step, 2);
       }},
      {"NoDataWhileThePauseRunsIsNoHold",
       kAnalysed,
       running(1, 10),
       withRound(bothHealthy(10), std::nullopt),
       at(30),
       Phase::kProgressing,
       holdAt(10),
       {},
       {{"AnalysisNoData", "True/NoData"}},
       [](const Decision& d) { EXPECT_EQ(d.status.holding_since, std::nullopt); }},
  });
}

// ---- what status alone cannot be trusted with -------------------------------------------------

TEST(DecideTest, StatusWithoutItsMemoryIsRepaired) {
  auto no_clocks = running(1, 10);
  no_clocks.rollout_started_at.reset();
  no_clocks.step_started_at.reset();
  auto no_stage_clock = running(0, 0);
  no_stage_clock.shadowing = true;
  no_stage_clock.step_started_at.reset();
  auto shadow_spec = kAnalysed;
  shadow_spec.strategy.shadow = api::ShadowSpec{Duration{seconds{120}}};
  runCases({
      {"StatusWithoutStableAdoptsTheServingStable",
       kSteps,
       api::ModelDeploymentStatus{},
       seen(kCanary, healthy(kStable), absent(), 0),
       at(0),
       Phase::kProgressing,
       startRollout(kCanary),
       {"StableAdopted", "RolloutStarted"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.stable_revision, kStable);
         EXPECT_EQ(d.status.canary_revision, kCanary);
       }},
      {"StatusWithoutStableDeploysWhenTheStableRunsDesired",
       kSteps,
       api::ModelDeploymentStatus{},
       seen(kStable, partly(kStable, 1), absent(), 0),
       at(0),
       Phase::kInitializing,
       serveStable(),
       {},
       {}},
      {"MissingStepClocksStartNow",
       kSteps,
       no_clocks,
       bothHealthy(10),
       at(500),
       Phase::kProgressing,
       holdAt(10),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(500));
         EXPECT_EQ(d.status.rollout_started_at, at(500));
         EXPECT_EQ(d.requeue_after, Duration{seconds{60}});  // the whole pause is still ahead
       }},
      {"MissingStageClockStartsNow",
       shadow_spec,
       no_stage_clock,
       seen(kCanary, healthy(kStable), healthy(kCanary), 0),
       at(500),
       Phase::kProgressing,
       shadowHold(),
       {},
       {{"Reconciling", "True/Shadowing"}},
       [](const Decision& d) { EXPECT_EQ(d.status.step_started_at, at(500)); }},
  });
}

TEST(RoleObservationTest, HealthyNeedsTheCurrentTemplateServingNeedsAnyAvailablePod) {
  EXPECT_TRUE(healthy(kCanary).healthy());
  EXPECT_FALSE(stale(kCanary).healthy());  // counts of the previous template
  EXPECT_TRUE(stale(kCanary).serving());
  EXPECT_FALSE(retemplated(kCanary).healthy());
  EXPECT_TRUE(retemplated(kCanary).serving());  // the old pods still answer
  EXPECT_FALSE(starting(kCanary).serving());
  EXPECT_FALSE(absent().serving());
}

TEST(DecideTest, RolloutEndingInARollbackStartsTheNextRevision) {
  runCases({
      {"NewRevisionWhenTheRollbackEndsStartsItsRollout",
       kSteps,
       rollingBack(0, api::Outcome::kRolledBack, "FailedChecks"),
       seen(kNext, healthy(kStable), healthy(kCanary), 0),
       at(2),
       Phase::kProgressing,
       {ensureStable(kStable), SetWeight{0}, ensureCanary(kCanary, 0), ensureStable(kStable),
        ensureCanary(kNext)},
       {"RolledBack", "RolloutStarted"},
       {{"Stalled", "False/Progressing"}, {"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_revision, kNext);
         EXPECT_EQ(d.status.history.back().revision, kCanary);
       }},
  });
}

TEST(DecideTest, SupersededReplicasCanaryScalesToZeroBeforeItIsReTemplated) {
  const auto spec = replicaSteps();
  const auto world = [](RoleObservation stable, RoleObservation canary) {
    return seen(kNext, std::move(stable), std::move(canary), std::nullopt);
  };
  runCases({
      {"StableTakesBackAllReplicasFirst",
       spec,
       running(1, 50),
       world(healthy(kStable, 2), healthy(kCanary, 2)),
       at(1),
       Phase::kProgressing,
       {ensureStable(kStable, 4), SetWeight{0}, ensureCanary(kCanary, 2)},
       {},
       {}},
      {"CanaryScalesToZeroOnceTheStableCarries",
       spec,
       running(1, 0),
       world(healthy(kStable, 4), healthy(kCanary, 2)),
       at(2),
       Phase::kProgressing,
       {ensureStable(kStable, 4), SetWeight{0}, ensureCanary(kCanary, 0)},
       {},
       {}},
      {"ReTemplatedOnceTheCanaryRunsNoPod",
       spec,
       running(1, 0),
       world(healthy(kStable, 4), RoleObservation{.exists = true, .revision = kCanary}),
       at(3),
       Phase::kProgressing,
       {ensureStable(kStable, 4), ensureCanary(kNext, 0), SetWeight{0}},
       {"RolloutRestarted"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_revision, kNext); }},
  });
}

TEST(DecideTest, DecidingOnItsOwnOutputRepeatsNothingInTheNewStates) {
  auto delayed = kAnalysed;
  delayed.strategy.scale_down_delay = seconds{30};
  const std::vector<std::pair<api::ModelDeploymentStatus, Observations>> starts = {
      {running(2, 50), seen(kNext, healthy(kStable), healthy(kCanary), 50)},
      {withPhase(running(3, 0), Phase::kPromoting),
       seen(kCanary, healthy(kCanary), healthy(kCanary), 0)},
      {rollingBack(0, api::Outcome::kRolledBack, "FailedChecks"), bothHealthy(0)},
      {holdingSince(noDataRoundAt(running(1, 10), at(61)), at(-600)),
       withRound(bothHealthy(10), std::nullopt)},
      {holdingSince(rollingBack(10, api::Outcome::kRolledBack, "FailedChecks"), at(-600)),
       seen(kCanary, starting(kStable), healthy(kCanary), 10)},
  };
  for (const auto& [status, world] : starts) {
    const auto once = decide(delayed, status, world, at(100));
    expectReplayAgrees(once, decide(delayed, once.status, world, at(100)));
  }
}

// ---- the shadow stage ---------------------------------------------------------------------------

// kAnalysed with a two-minute shadow stage before step 0.
api::ModelDeploymentSpec shadowed(api::ModelDeploymentSpec spec = kAnalysed) {
  spec.strategy.shadow = api::ShadowSpec{Duration{seconds{120}}};
  return spec;
}

// kCanary in the shadow stage, begun at at(0).
api::ModelDeploymentStatus shadowing(Phase phase = Phase::kProgressing) {
  auto s = running(0, 0, phase);
  s.shadowing = true;
  return s;
}

Observations mirrored(RoleObservation canary, std::optional<bool> mirror = true) {
  auto o = seen(kCanary, healthy(kStable), std::move(canary), 0);
  o.observed_mirror = mirror;
  return o;
}

TEST(DecideTest, ShadowStageMirrorsBeforeStepZero) {
  runCases({
      {"NewRevisionStartsInTheShadowStage",
       shadowed(),
       succeeded(kStable),
       stableOnly(kCanary),
       at(0),
       Phase::kProgressing,
       thenMirror(startRollout(kCanary), true),
       {"RolloutStarted"},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.shadowing);
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_EQ(d.status.canary_weight, 0);
       }},
      {"UnreadyCanaryIsMirroredButTheStageHasNotBegun",
       shadowed(),
       shadowing(),
       mirrored(starting(kCanary)),
       at(20),
       Phase::kProgressing,
       shadowHold(),
       {},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(20));
         EXPECT_EQ(d.status.message, "waiting for canary canary2: 0/3 ready");
       }},
      {"ReadyCanaryIsShadowed",
       shadowed(),
       passedRoundAt(shadowing(), at(30)),
       mirrored(healthy(kCanary)),
       at(45),
       Phase::kProgressing,
       shadowHold(),
       {},
       {{"Reconciling", "True/Shadowing"}, {"Ready", "False/Shadowing"}},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.shadowing);
         EXPECT_EQ(d.status.message, "shadow 45s/2m, mirroring to canary2");
         EXPECT_EQ(d.requeue_after, Duration{seconds{15}});  // the next round
       }},
      {"StageHoldsUntilItsDuration",
       shadowed(),
       passedRoundAt(shadowing(), at(90)),
       mirrored(healthy(kCanary)),
       at(100),
       Phase::kProgressing,
       shadowHold(),
       {},
       {{"Reconciling", "True/Shadowing"}},
       [](const Decision& d) { EXPECT_TRUE(d.status.shadowing); }},
      {"ElapsedStageWaitsForARoundOfItsOwn",
       shadowed(),
       passedRoundAt(shadowing(), at(-5)),
       mirrored(healthy(kCanary)),
       at(130),
       Phase::kProgressing,
       shadowHold(),
       {},
       {{"Reconciling", "True/Shadowing"}},
       [](const Decision& d) { EXPECT_TRUE(d.status.shadowing); }},
      {"ElapsedStageWithPassingRoundStopsMirroringThenTakesStepZero",
       shadowed(),
       passedRoundAt(shadowing(), at(100)),
       withRound(mirrored(healthy(kCanary)), 0.2),
       at(125),
       Phase::kProgressing,
       stopMirroringThen(holdAt(10)),
       {"ShadowCompleted"},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_FALSE(d.status.shadowing);
         EXPECT_EQ(d.status.current_step, 0);
         EXPECT_EQ(d.status.canary_weight, 10);
         EXPECT_EQ(d.status.step_started_at, at(125));
         EXPECT_EQ(d.status.message, "step 1/4, 10% to canary2");
       }},
      {"StageWithoutMetricsEndsOnItsDuration",
       shadowed(kSteps),
       shadowing(),
       mirrored(healthy(kCanary)),
       at(120),
       Phase::kProgressing,
       stopMirroringThen(holdAt(10)),
       {"ShadowCompleted"},
       {}},
      {"ShadowRemovedFromTheSpecLeavesOnlyTheGate",
       kAnalysed,
       passedRoundAt(shadowing(), at(10)),
       mirrored(healthy(kCanary)),
       at(20),
       Phase::kProgressing,
       stopMirroringThen(holdAt(10)),
       {"ShadowCompleted"},
       {}},
  });
}

TEST(DecideTest, ShadowStageFailsLikeAStep) {
  runCases({
      {"FailedCheckDuringShadowCounts",
       shadowed(),
       shadowing(),
       withRound(mirrored(healthy(kCanary)), 5.0),
       at(30),
       Phase::kProgressing,
       shadowHold(),
       {"AnalysisFailed"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.failed_checks, 1);
         EXPECT_TRUE(d.status.shadowing);
       }},
      {"FailedChecksAtTheLimitStopMirroringAndRollBack",
       shadowed(),
       withFailedChecks(shadowing(), 1),
       withRound(mirrored(healthy(kCanary)), 5.0),
       at(30),
       Phase::kFailed,
       stopMirroringThen(scaleCanaryDown()),
       {"AnalysisFailed", "RollingBack", "RolledBack"},
       {{"Stalled", "True/RolledBack"}},
       [](const Decision& d) {
         EXPECT_FALSE(d.status.shadowing);
         EXPECT_EQ(d.status.history.back().reason, "FailedChecks");
       }},
      {"CanaryNeverReadyRollsBackAtTheDeadline",
       shadowed(),
       unreadySince(shadowing(), at(-300)),
       mirrored(starting(kCanary)),
       at(301),
       Phase::kFailed,
       stopMirroringThen(scaleCanaryDown()),
       {"RollingBack", "RolledBack"},
       {{"Stalled", "True/ProgressDeadlineExceeded"}},
       [](const Decision& d) { EXPECT_FALSE(d.status.shadowing); }},
      {"NewRevisionRestartsTheStage",
       shadowed(),
       withFailedChecks(passedRoundAt(shadowing(), at(30)), 1),
       seen(kNext, healthy(kStable), healthy(kCanary), 0),
       at(40),
       Phase::kProgressing,
       thenMirror(startRollout(kNext), true),
       {"RolloutRestarted"},
       {},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.shadowing);
         EXPECT_EQ(d.status.failed_checks, 0);
         EXPECT_EQ(d.status.step_started_at, at(40));
       }},
      {"NewRevisionWithoutShadowStopsMirroring",
       kAnalysed,
       shadowing(),
       seen(kNext, healthy(kStable), healthy(kCanary), 0),
       at(40),
       Phase::kProgressing,
       thenMirror(startRollout(kNext), false),
       {"RolloutRestarted"},
       {},
       [](const Decision& d) { EXPECT_FALSE(d.status.shadowing); }},
      {"SpecBackAtStableStopsMirroring",
       shadowed(),
       shadowing(),
       seen(kStable, healthy(kStable), healthy(kCanary), 0),
       at(40),
       Phase::kSucceeded,
       stopMirroringThen(scaleCanaryDown()),
       {"RollingBack", "RolledBack"},
       {{"Ready", "True/Succeeded"}}},
      {"MirrorLeftOnOutsideTheStageIsTurnedOff",
       shadowed(),
       succeeded(kStable),
       [] {
         auto o = stableOnly(kStable);
         o.observed_mirror = true;
         return o;
       }(),
       at(0),
       Phase::kSucceeded,
       thenMirror(serveStable(), false),
       {},
       {{"Ready", "True/Succeeded"}}},
  });
}

TEST(DecideTest, ShadowStageTakesManualRequests) {
  auto user_paused = shadowing(Phase::kPaused);
  user_paused.paused_by_user = true;
  runCases({
      {"PromoteStepSkipsTheStage",
       shadowed(),
       withRequests(shadowing(), promote(api::PromoteRequest::kStep)),
       mirrored(healthy(kCanary)),
       at(10),
       Phase::kProgressing,
       stopMirroringThen(holdAt(10)),
       {"ShadowCompleted"},
       {},
       [](const Decision& d) {
         EXPECT_FALSE(d.status.shadowing);
         EXPECT_EQ(d.status.current_step, 0);
       }},
      {"PromoteStepWhileTheCanaryStartsIsRefused",
       shadowed(),
       withRequests(shadowing(), promote(api::PromoteRequest::kStep)),
       mirrored(starting(kCanary)),
       at(10),
       Phase::kProgressing,
       shadowHold(),
       {"RequestIgnored"},
       {},
       [](const Decision& d) { EXPECT_TRUE(d.status.shadowing); }},
      {"PromoteFullSkipsEverything",
       shadowed(),
       withRequests(shadowing(), promote(api::PromoteRequest::kFull)),
       mirrored(healthy(kCanary)),
       at(10),
       Phase::kPromoting,
       stopMirroringThen(promoteAt(0)),
       {"Promoting"},
       {{"Reconciling", "True/Promoting"}},
       [](const Decision& d) { EXPECT_FALSE(d.status.shadowing); }},
      {"AbortStopsMirroringAndRollsBack",
       shadowed(),
       withRequests(shadowing(), abortRequest()),
       mirrored(healthy(kCanary)),
       at(10),
       Phase::kFailed,
       stopMirroringThen(scaleCanaryDown()),
       {"RollingBack", "RolledBack"},
       {{"Stalled", "True/Aborted"}},
       [](const Decision& d) { EXPECT_FALSE(d.status.shadowing); }},
      {"PauseHoldsTheStageAndKeepsMirroring",
       shadowed(),
       withRequests(shadowing(), pauseRequest(true)),
       mirrored(healthy(kCanary)),
       at(200),
       Phase::kPaused,
       shadowHold(),
       {"Paused"},
       {{"Reconciling", "True/Paused"}},
       [](const Decision& d) {
         EXPECT_TRUE(d.status.shadowing);
         EXPECT_EQ(d.status.message, "paused by request at shadow 3m20s/2m, mirroring to canary2");
       }},
      {"ResumeRestartsTheStageTimer",
       shadowed(),
       withRequests(user_paused, pauseRequest(false)),
       mirrored(healthy(kCanary)),
       at(200),
       Phase::kProgressing,
       shadowHold(),
       {"Resumed"},
       {{"Reconciling", "True/Shadowing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.step_started_at, at(200));
         EXPECT_TRUE(d.status.shadowing);
       }},
  });
}

TEST(DecideTest, RoundThatEndedTheShadowStageDoesNotOpenStepZero) {
  const auto spec = shadowed();
  const auto ended = decide(spec, passedRoundAt(shadowing(), at(100)),
                            withRound(mirrored(healthy(kCanary)), 0.2), at(125));
  ASSERT_FALSE(ended.status.shadowing);
  const auto next = decide(spec, ended.status, bothHealthy(10), at(130));
  EXPECT_EQ(next.status.current_step, 0);
  EXPECT_EQ(next.status.canary_weight, 10);
  EXPECT_EQ(describe(writesOf(next)), describe(holdAt(10)));
}

TEST(DecideTest, DecidingOnItsOwnShadowOutputRepeatsNothing) {
  const std::vector<std::pair<api::ModelDeploymentStatus, Observations>> starts = {
      {succeeded(kStable), stableOnly(kCanary)},
      {shadowing(), mirrored(healthy(kCanary))},
      {shadowing(), mirrored(starting(kCanary))},
      {passedRoundAt(shadowing(), at(100)), withRound(mirrored(healthy(kCanary)), 0.2)},
      {withFailedChecks(shadowing(), 1), withRound(mirrored(healthy(kCanary)), 9.0)},
  };
  for (const auto& [status, world] : starts) {
    const auto once = decide(shadowed(), status, world, at(130));
    auto replayed = world;
    replayed.observed_mirror.reset();  // the router has not reported the change yet
    expectReplayAgrees(once, decide(shadowed(), once.status, replayed, at(130)));
  }
}

TEST(AnalysisDueTest, ShadowStageIsAnalysedLikeAStep) {
  EXPECT_FALSE(analysisDue(shadowed(), shadowing(), at(29)));
  EXPECT_TRUE(analysisDue(shadowed(), shadowing(), at(30)));
  EXPECT_TRUE(analysisDue(shadowed(), shadowing(Phase::kPaused), at(30)));
}

// ---- canaryScale matchTrafficWeight ------------------------------------------------------------

// Ten replicas behind a Gateway API route, the canary sized to its weight
// (spec.strategy.canaryScale matchTrafficWeight): 30 % is 3 pods, 50 % 5, 100 % all 10.
api::ModelDeploymentSpec matched(std::vector<api::Step> steps) {
  auto spec = specWithSteps(std::move(steps));
  spec.replicas = 10;
  spec.strategy.canary_scale = api::CanaryScale::kMatchTrafficWeight;
  return spec;
}
const api::ModelDeploymentSpec kMatched =
    matched({weight(30), weight(50), pauseFor(60), weight(100)});

// kCanary running `canary` beside a healthy kStable of ten, the router reporting `w`.
Observations tenStable(RoleObservation canary, std::optional<std::int32_t> w) {
  return seen(kCanary, healthy(kStable, 10), std::move(canary), w);
}
// A step of kMatched holding `w` % with the canary at `n` pods, in order.
std::vector<Action> holdMatched(int w, int n) {
  return {SetWeight{w}, ensureStable(kStable, 10), ensureCanary(kCanary, n)};
}

TEST(DecideTest, MatchTrafficWeightScalesTheCanaryBeforeItGetsTheWeight) {
  runCases({
      {"NewRolloutStartsTheCanaryAtStepZerosShare",
       kMatched,
       succeeded(kStable),
       seen(kCanary, healthy(kStable, 10), absent(), 0),
       at(0),
       Phase::kProgressing,
       {ensureStable(kStable, 10), ensureCanary(kCanary, 3), SetWeight{0}},
       {"RolloutStarted"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.canary_unready_since, at(0)); }},
      {"StartingCanaryHoldsZeroAndTheStepClock",
       kMatched,
       running(0, 0),
       tenStable(partly(kCanary, 2, 3), 0),
       at(5),
       Phase::kProgressing,
       holdMatched(0, 3),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 0);
         EXPECT_EQ(d.status.step_started_at, at(5));
         EXPECT_EQ(d.status.message, "waiting for canary canary2: 2/3 ready");
       }},
      {"CanaryReadyButShortOfItsShareHoldsZero",
       kMatched,
       running(0, 0),
       tenStable(healthy(kCanary, 1), 0),  // the scale to 3 not yet seen
       at(5),
       Phase::kProgressing,
       holdMatched(0, 3),
       {},
       {{"Reconciling", "True/Progressing"}},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 0);
         EXPECT_EQ(d.status.step_started_at, at(5));
         EXPECT_EQ(d.status.message,
                   "step 1/4, 0% to canary2; scaling canary to 3 pods (1/1 ready) before 30%");
         EXPECT_EQ(d.requeue_after, kReadinessPoll);
       }},
      {"WeightAskedForOnceTheCanaryIsReadyAtItsShare",
       kMatched,
       running(0, 0),
       tenStable(healthy(kCanary, 3), 0),
       at(10),
       Phase::kProgressing,
       holdMatched(30, 3),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 30);
         EXPECT_EQ(d.status.current_step, 0);
       }},
      {"NextStepScalesTheCanaryUpAndKeepsTheWeight",
       kMatched,
       running(0, 30),
       tenStable(healthy(kCanary, 3), 30),
       at(20),
       Phase::kProgressing,
       holdMatched(30, 5),
       {"StepAdvanced"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 1);
         EXPECT_EQ(d.status.canary_weight, 30);
         EXPECT_EQ(d.status.step_started_at, at(20));
       }},
      {"ScalingCanaryHoldsTheWeightAndRestartsTheStepClock",
       kMatched,
       running(1, 30),
       tenStable(partly(kCanary, 3, 5), 30),
       at(25),
       Phase::kProgressing,
       holdMatched(30, 5),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 30);
         EXPECT_EQ(d.status.step_started_at, at(25));
         EXPECT_EQ(d.status.canary_unready_since, at(25));  // the progress deadline counts
       }},
      {"CanaryAtItsNewShareGetsTheWeight",
       kMatched,
       unreadySince(running(1, 30), at(25)),
       tenStable(healthy(kCanary, 5), 30),
       at(30),
       Phase::kProgressing,
       holdMatched(50, 5),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 50);
         EXPECT_EQ(d.status.canary_unready_since, std::nullopt);
       }},
      {"StepToHundredScalesTheCanaryToEveryReplicaFirst",
       kMatched,
       running(2, 50),
       tenStable(healthy(kCanary, 5), 50),
       at(61),
       Phase::kProgressing,
       holdMatched(50, 10),
       {"StepAdvanced"},
       {},
       [](const Decision& d) { EXPECT_EQ(d.status.current_step, 3); }},
      {"HundredAskedForOnceAllTenAreReady",
       kMatched,
       running(3, 50),
       tenStable(healthy(kCanary, 10), 50),
       at(70),
       Phase::kProgressing,
       holdMatched(100, 10),
       {},
       {}},
      {"RolloutAtHundredPromotesWithTheCanaryAtEveryReplica",
       kMatched,
       running(3, 100),
       tenStable(healthy(kCanary, 10), 100),
       at(80),
       Phase::kPromoting,
       {ensureStable(kCanary, 10), SetWeight{100}, ensureCanary(kCanary, 10)},
       {"Promoting"},
       {}},
      {"FullScaleRaisesTheWeightAtOnce",  // the default, for contrast: the canary runs all 10
       [] {
         auto spec = kMatched;
         spec.strategy.canary_scale = api::CanaryScale::kFull;
         return spec;
       }(),
       running(0, 30),
       tenStable(healthy(kCanary, 10), 30),
       at(20),
       Phase::kProgressing,
       holdMatched(50, 10),
       {"StepAdvanced"},
       {}},
  });
}

// A promote that skips a step whose weight is still held back leaves that weight to the pause
// after it, as canaryScale full would have asked for it at once.
TEST(DecideTest, MatchTrafficWeightPromoteWhileScalingKeepsTheSkippedWeight) {
  runCases({
      {"PromoteSkipsTheHeldStepAndThePauseScalesForItsWeight",
       kMatched,
       withRequests(running(1, 30), promote(api::PromoteRequest::kStep)),
       tenStable(healthy(kCanary, 3), 30),  // the scale to 5 not yet seen
       at(10),
       Phase::kProgressing,
       holdMatched(30, 5),
       {"StepAdvanced"},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 2);
         EXPECT_EQ(d.status.canary_weight, 30);
         EXPECT_EQ(d.status.step_started_at, at(10));
       }},
      {"PauseHoldsItsClockUntilItsWeightIsAskedFor",
       kMatched,
       running(2, 30),
       tenStable(healthy(kCanary, 3), 30),
       at(70),  // the pause's 60 s have passed, but not at its weight
       Phase::kProgressing,
       holdMatched(30, 5),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.current_step, 2);
         EXPECT_EQ(d.status.step_started_at, at(70));
       }},
      {"PauseAsksForItsWeightOnceTheCanaryCarriesIt",
       kMatched,
       running(2, 30),
       tenStable(healthy(kCanary, 5), 30),
       at(75),
       Phase::kProgressing,
       holdMatched(50, 5),
       {},
       {},
       [](const Decision& d) {
         EXPECT_EQ(d.status.canary_weight, 50);
         EXPECT_EQ(d.status.step_started_at, at(75));  // the pause begins at its weight
       }},
  });
}

TEST(DecideTest, MatchTrafficWeightScalesTheCanaryDownOnlyAfterTheRouter) {
  const auto spec = matched({weight(50), weight(20), pauseForever()});
  runCases({
      {"LowerWeightIsAskedForAtOnceWithTheCanaryKept",
       spec,
       running(0, 50),
       tenStable(healthy(kCanary, 5), 50),
       at(20),
       Phase::kProgressing,
       holdMatched(20, 5),
       {"StepAdvanced"},
       {}},
      {"RouterStillAtTheOldWeightKeepsTheCanary",
       spec,
       running(1, 20),
       tenStable(healthy(kCanary, 5), 50),
       at(25),
       Phase::kProgressing,
       holdMatched(20, 5),
       {},
       {}},
      {"RouterUnreadableKeepsTheCanary",
       spec,
       running(1, 20),
       tenStable(healthy(kCanary, 5), std::nullopt),
       at(25),
       Phase::kProgressing,
       holdMatched(20, 5),
       {},
       {}},
      {"RouterAtTheLowerWeightScalesTheCanaryDown",
       spec,
       running(1, 20),
       tenStable(healthy(kCanary, 5), 20),
       at(30),
       Phase::kPaused,
       holdMatched(20, 2),
       {"StepAdvanced"},
       {}},
  });
}

TEST(DecideTest, MatchTrafficWeightShadowStageRunsEveryReplica) {
  auto spec = matched({weight(30), pauseForever()});
  spec.strategy.shadow = api::ShadowSpec{Duration{seconds{120}}};
  const auto mirroredTen = [](RoleObservation canary) {
    auto o = tenStable(std::move(canary), 0);
    o.observed_mirror = true;
    return o;
  };
  runCases({
      {"ShadowRolloutStartsTheCanaryAtEveryReplica",
       spec,
       succeeded(kStable),
       seen(kCanary, healthy(kStable, 10), absent(), 0),
       at(0),
       Phase::kProgressing,
       {ensureStable(kStable, 10), ensureCanary(kCanary, 10), SetWeight{0}, SetMirror{true}},
       {"RolloutStarted"},
       {}},
      {"ShadowStageKeepsEveryReplica",
       spec,
       shadowing(),
       mirroredTen(healthy(kCanary, 10)),
       at(60),
       Phase::kProgressing,
       {SetWeight{0}, SetMirror{true}, ensureStable(kStable, 10), ensureCanary(kCanary, 10)},
       {},
       {{"Reconciling", "True/Shadowing"}}},
      {"StepZeroTakesItsWeightAtOnceAndTheCanaryShrinksToItsShare",
       spec,
       shadowing(),
       mirroredTen(healthy(kCanary, 10)),
       at(120),
       Phase::kProgressing,
       stopMirroringThen(holdMatched(30, 10)),  // the router still reports 0: kept until it moves
       {"ShadowCompleted"},
       {}},
      {"ThenShrinksOnceTheRouterAppliesIt",
       spec,
       running(0, 30),
       tenStable(healthy(kCanary, 10), 30),
       at(125),
       Phase::kPaused,
       holdMatched(30, 3),
       {"StepAdvanced"},
       {}},
  });
}

// Promotion and rollback move traffic as with canaryScale full; the canary keeps the pods it
// runs until it is scaled to zero, neither grown to every replica nor shrunk while traffic drains.
TEST(DecideTest, MatchTrafficWeightDrainsTheCanaryAtItsShare) {
  auto delayed = kMatched;
  delayed.strategy.scale_down_delay = seconds{30};
  runCases({
      {"RollbackKeepsTheCanaryAtItsShare",
       kMatched,
       [] {
         auto s = rollingBack(50, api::Outcome::kRolledBack, "FailedChecks");
         s.current_step = 1;
         return s;
       }(),
       tenStable(healthy(kCanary, 5), 50),
       at(10),
       Phase::kRollingBack,
       {ensureStable(kStable, 10), SetWeight{0}, ensureCanary(kCanary, 5)},
       {},
       {}},
      {"RollbackAfterTheRouterMovedKeepsItThroughTheDelay",
       delayed,
       rollingBack(0, api::Outcome::kRolledBack, "FailedChecks"),
       tenStable(healthy(kCanary, 5), 0),
       at(10),
       Phase::kRollingBack,
       {ensureStable(kStable, 10), SetWeight{0}, ensureCanary(kCanary, 5)},
       {},
       {}},
      {"PromotionKeepsTheCanaryAtItsShareWhileTheStableTakesItsRevision",
       kMatched,
       running(1, 50, Phase::kPromoting),
       seen(kCanary, retemplated(kCanary, 10), healthy(kCanary, 5), 50),
       at(10),
       Phase::kPromoting,
       {ensureStable(kCanary, 10), SetWeight{50}, ensureCanary(kCanary, 5)},
       {},
       {}},
      {"PromotionDrainsTheCanaryAtItsShare",
       delayed,
       running(1, 50, Phase::kPromoting),
       seen(kCanary, healthy(kCanary, 10), healthy(kCanary, 5), 50),
       at(20),
       Phase::kPromoting,
       {ensureStable(kCanary, 10), SetWeight{0}, ensureCanary(kCanary, 5)},
       {},
       {}},
      {"SupersededCanaryKeepsItsShareWhileTrafficLeaves",
       kMatched,
       running(1, 50),
       seen(kNext, healthy(kStable, 10), healthy(kCanary, 5), 50),
       at(10),
       Phase::kProgressing,
       {ensureStable(kStable, 10), SetWeight{0}, ensureCanary(kCanary, 5)},
       {},
       {}},
  });
}

TEST(DecideTest, DecidingOnItsOwnMatchTrafficWeightOutputRepeatsNothing) {
  auto delayed = kMatched;
  delayed.strategy.scale_down_delay = seconds{30};
  const std::vector<std::pair<api::ModelDeploymentStatus, Observations>> starts = {
      {running(0, 30), tenStable(healthy(kCanary, 3), 30)},    // steps up, holds 30
      {running(1, 30), tenStable(partly(kCanary, 3, 5), 30)},  // scaling to 5
      {running(1, 30), tenStable(healthy(kCanary, 5), 30)},    // asks for 50
      {running(2, 50), tenStable(healthy(kCanary, 5), 50)},    // pause, then 100 scales to 10
      {running(1, 50, Phase::kPromoting), tenStable(healthy(kCanary, 5), 50)},
      {rollingBack(50, api::Outcome::kRolledBack, "FailedChecks"),
       tenStable(healthy(kCanary, 5), 0)},
  };
  for (const auto& [status, world] : starts) {
    const auto once = decide(delayed, status, world, at(100));
    expectReplayAgrees(once, decide(delayed, once.status, world, at(100)));
  }
}

// ---- cross-cutting rules ------------------------------------------------------------------------

TEST(DecideTest, ConditionTransitionTimeMovesOnlyWhenStatusFlips) {
  const auto world = bothHealthy(10);
  auto first = decide(kSteps, running(1, 10), world, at(10));
  auto second = decide(kSteps, first.status, world, at(20));
  EXPECT_EQ(condition(second.status, "Reconciling")->last_transition_time, at(10));
  auto done = decide(kSteps, withPhase(second.status, Phase::kPromoting),
                     seen(kCanary, healthy(kCanary), healthy(kCanary), 0), at(30));
  EXPECT_EQ(condition(done.status, "Reconciling")->status, "False");
  EXPECT_EQ(condition(done.status, "Reconciling")->last_transition_time, at(30));
}

TEST(DecideTest, HistoryIsBounded) {
  auto status = withPhase(running(3, 0), Phase::kPromoting);
  for (int i = 0; i < 12; ++i)
    status.history.push_back({"old", api::Outcome::kPromoted, "", at(i)});
  auto d = decide(kSteps, status, seen(kCanary, healthy(kCanary), healthy(kCanary), 0), at(50));
  ASSERT_EQ(d.status.history.size(), api::kMaxHistory);
  EXPECT_EQ(d.status.history.back().revision, kCanary);
}

TEST(DecideTest, DecidingOnItsOwnOutputRepeatsNoEventAndNoConflictingWrite) {
  const std::vector<std::pair<api::ModelDeploymentStatus, Observations>> starts = {
      {succeeded(kStable), stableOnly(kCanary)},
      {running(1, 10), bothHealthy(10)},
      {running(0, 10), canaryStarting(10)},
      {withFailedChecks(running(1, 10), 1), withRound(bothHealthy(10), 9.0)},
      {rollingBack(10, api::Outcome::kRolledBack, "FailedChecks"),
       seen(kCanary, starting(kStable), healthy(kCanary), 10)},
      {running(3, 50, Phase::kPromoting), seen(kCanary, starting(kCanary), healthy(kCanary), 50)},
  };
  for (const auto& [status, world] : starts) {
    const auto once = decide(kAnalysed, status, world, at(100));
    expectReplayAgrees(once, decide(kAnalysed, once.status, world, at(100)));
  }
}

TEST(AnalysisDueTest, OneIntervalAfterTheStepAndThePreviousRound) {
  struct Row {
    const char* name;
    api::ModelDeploymentSpec spec;
    api::ModelDeploymentStatus status;
    Timestamp now;
    bool want;
  };
  const Row rows[] = {
      {"no metrics", kSteps, running(1, 10), at(100), false},
      {"step just began", kAnalysed, running(1, 10), at(29), false},
      {"one interval into the step", kAnalysed, running(1, 10), at(30), true},
      {"recent round", kAnalysed, passedRoundAt(running(1, 10), at(20)), at(40), false},
      {"round an interval ago", kAnalysed, passedRoundAt(running(1, 10), at(20)), at(50), true},
      {"paused still analyses", kAnalysed, running(3, 50, Phase::kPaused), at(30), true},
      {"not while promoting", kAnalysed, running(3, 50, Phase::kPromoting), at(30), false},
      {"not when settled", kAnalysed, succeeded(kStable), at(30), false},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(analysisDue(row.spec, row.status, row.now), row.want) << row.name;
  }
  EXPECT_EQ(nextAnalysisAt(kAnalysed, running(1, 10)), at(30));
  EXPECT_EQ(nextAnalysisAt(kAnalysed, passedRoundAt(running(1, 10), at(20))), at(50));
  EXPECT_EQ(nextAnalysisAt(kSteps, running(1, 10)), std::nullopt);
  EXPECT_EQ(nextAnalysisAt(kAnalysed, succeeded(kStable)), std::nullopt);
}

}  // namespace
}  // namespace aviary::rollout
