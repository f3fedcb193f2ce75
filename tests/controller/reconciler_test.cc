#include "controller/reconciler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "api/conditions.h"
#include "api/json.h"
#include "controller/audit_log.h"
#include "controller/names.h"
#include "kube/owner.h"
#include "kube/resource.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_cluster.h"
#include "tests/fakes/fake_provider.h"
#include "tests/fakes/fake_router.h"

// The Reconciler against a fake cluster whose Deployments turn ready at each tick: what a user
// sees of a ModelDeployment from creation to a promoted or rolled-back second revision.
namespace aviary::controller {
namespace {

using api::Phase;
using namespace std::chrono_literals;
using kube::Json;
namespace res = kube::resources;

constexpr const char* kKey = "ml/churn";

Json modelDeployment() {
  return Json::parse(R"({
    "apiVersion": "aviary.dev/v1alpha1", "kind": "ModelDeployment",
    "metadata": {"name": "churn", "namespace": "ml"},
    "spec": {
      "model": {"name": "churn", "version": "v1", "uri": "file:///models/churn/v1/model.json"},
      "replicas": 2,
      "traffic": {"provider": "gatewayAPI", "gatewayAPI": {"httpRoute": "churn"}},
      "strategy": {"steps": [{"setWeight": 20}, {"pause": {"duration": "1m"}}, {"setWeight": 50}]},
      "analysis": {"interval": "30s", "failureLimit": 2,
                   "metrics": [{"name": "error-rate", "prometheus": {"query": "errors{rev='{{canary}}'}"},
                                "max": 1}]}
    }})");
}

// Records every webhook call and answers with `status_code`.
class FakeDriftNotifier final : public DriftNotifier {
 public:
  struct Call {
    std::string url;
    Json body;
    std::string signature;
  };
  Status post(const std::string& url, const std::string& body,
              const std::optional<std::string>& hmac_key) override {
    calls.push_back({url, Json::parse(body), hmac_key ? webhookSignature(*hmac_key, body) : ""});
    if (fail_next > 0) {
      --fail_next;
      return fail(ErrorCode::kUnavailable, "webhook answered 503");
    }
    return {};
  }
  std::vector<Call> calls;
  int fail_next = 0;
};

class ReconcilerTest : public ::testing::Test {
 protected:
  ReconcilerTest() {
    startReconciler({});
    provider_->setDefault(0.0);
  }

  // A controller with these sidecar defaults (a restart after an upgrade, when called again).
  void startReconciler(SidecarDefaults sidecar) {
    ReconcilerDeps deps{
        .kube = kube_,
        .model_deployments = [this](const std::string& key) { return readMd(key); },
        .deployments = cluster_.lookup(res::kDeployments),
        .services = cluster_.lookup(res::kServices),
        .routers = [this](api::TrafficProvider p) -> Result<router::Router*> {
          if (p == api::TrafficProvider::kNginx) {
            return fail(ErrorCode::kUnimplemented, "nginx is not supported by this build");
          }
          return router_.get();
        },
        .providers = [this](const std::optional<std::string>&) -> Result<metrics::Provider::Ptr> {
          return provider_;
        },
        .events = events_,
        .clock = clock_,
        .sidecar = std::move(sidecar),
        .hooks = {.on_analysis = {},
                  .on_outcome = {},
                  .on_decision =
                      [this](const governance::AuditRecord& record) {
                        decisions_.push_back(record);
                      }},
        .cards = cards_,
        .drift = nullptr};
    deps.drift = std::make_shared<DriftMonitor>(deps.providers, kube_, notifier_);
    reconciler_ = std::make_unique<Reconciler>(std::move(deps));
  }

  kube::ObjectPtr readMd(const std::string& key) {
    kube::ObjectPtr md = cluster_.lookup(res::kModelDeployments)(key);
    if (md && after_read_) std::exchange(after_read_, nullptr)();
    return md;
  }

  void create(const Json& md) { ASSERT_TRUE(kube_->create(res::kModelDeployments.in("ml"), md)); }
  Json md() { return *kube_->get(res::kModelDeployments.in("ml").named("churn")); }
  api::ModelDeploymentStatus status() {
    return *api::statusFromJson(md().value("status", Json::object()));
  }
  void editSpec(const std::function<void(Json& spec)>& edit) {
    Json object = md();
    edit(object["spec"]);
    ASSERT_TRUE(kube_->update(res::kModelDeployments.in("ml").named("churn"), object));
  }

  // Reconciles, lets the cluster catch up, and lets time pass (the requeue asked for, else 5 s),
  // until `done` holds; false after `limit` rounds.
  bool runUntil(const std::function<bool(const api::ModelDeploymentStatus&)>& done,
                int limit = 200) {
    for (int i = 0; i < limit; ++i) {
      auto result = reconciler_->reconcile(kKey);
      EXPECT_TRUE(result) << result.error().message;
      if (!result) return false;
      cluster_.tick();
      if (done(status())) return true;
      const auto wait = result->requeue_after.count() > 0 ? result->requeue_after
                                                          : std::chrono::milliseconds{5000};
      clock_->advance(wait);
    }
    return false;
  }
  static bool phaseIs(const api::ModelDeploymentStatus& s, Phase phase) { return s.phase == phase; }

  Json deployment(const std::string& name) {
    auto object = kube_->get(res::kDeployments.in("ml").named(name));
    return object ? *object : Json();
  }
  static std::string revisionOf(const Json& deployment) {
    return deployment["spec"]["template"]["metadata"]["labels"].value(kRevisionLabel, "");
  }

  std::shared_ptr<testing::FakeClock> clock_ = std::make_shared<testing::FakeClock>();
  testing::FakeCluster cluster_{clock_};
  std::shared_ptr<testing::FakeKube> kube_ = cluster_.kube();
  std::shared_ptr<testing::FakeRouter> router_ = std::make_shared<testing::FakeRouter>();
  std::shared_ptr<testing::FakeProvider> provider_ = std::make_shared<testing::FakeProvider>();
  std::shared_ptr<kube::EventRecorder> events_ =
      std::make_shared<kube::EventRecorder>(kube_, clock_);
  CardWriter::Ptr cards_ = std::make_shared<CardWriter>(kube_);
  std::shared_ptr<FakeDriftNotifier> notifier_ = std::make_shared<FakeDriftNotifier>();
  std::vector<governance::AuditRecord> decisions_;
  std::function<void()> after_read_;
  std::unique_ptr<Reconciler> reconciler_;
};

TEST_F(ReconcilerTest, NewModelDeploymentReachesSucceededWithItsObjects) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));

  const Json object = md();
  EXPECT_TRUE(kube::hasFinalizer(object, kFinalizer));
  const Json stable = deployment("churn-stable");
  EXPECT_EQ(stable["spec"]["replicas"], 2);
  EXPECT_EQ(revisionOf(stable), status().stable_revision);
  EXPECT_TRUE(kube::isOwnedBy(stable, object["metadata"]["uid"]));
  for (const std::string name : {"churn", "churn-stable", "churn-canary"}) {
    EXPECT_TRUE(kube_->get(res::kServices.in("ml").named(name))) << name;
  }
  EXPECT_EQ(router_->state(kKey).weight, 0);
}

const api::Condition* driftCondition(const api::ModelDeploymentStatus& s) {
  return api::findCondition(s.conditions, "DriftDetected");
}
bool driftIs(const api::ModelDeploymentStatus& s, const char* value) {
  const api::Condition* condition = driftCondition(s);
  return condition != nullptr && condition->status == value;
}

TEST_F(ReconcilerTest, SustainedDriftOnTheStableCallsTheWebhookOncePerEpisode) {
  Json object = modelDeployment();
  object["spec"]["model"]["reference"] = "file:///models/churn/profile.json";
  object["spec"]["monitoring"] = Json::parse(R"({"drift": {
      "metric": "featureDriftKS", "max": 0.2, "for": "30s", "interval": "10s",
      "webhook": {"url": "http://retrain.example/hook",
                  "secretRef": {"name": "retrain-hook", "key": "hmac"}}}})");
  ASSERT_TRUE(kube_->create(res::kSecrets.in("ml"), Json::parse(R"({"apiVersion": "v1",
      "kind": "Secret", "metadata": {"name": "retrain-hook", "namespace": "ml"},
      "data": {"hmac": "czNjcjN0"}})")));  // "s3cr3t"
  create(object);
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string stable = status().stable_revision;
  EXPECT_FALSE(driftCondition(status()));

  provider_->set("aviary_feature_drift", 0.43);
  ASSERT_TRUE(runUntil([](const auto& s) { return driftIs(s, "True"); }, 20));
  ASSERT_EQ(notifier_->calls.size(), 1u);
  const auto& call = notifier_->calls[0];
  EXPECT_EQ(call.url, "http://retrain.example/hook");
  EXPECT_EQ(call.body.at("revision"), stable);
  EXPECT_EQ(call.body.at("value"), 0.43);
  EXPECT_EQ(call.signature, webhookSignature("s3cr3t", call.body.dump()));
  EXPECT_TRUE(status().drift->notified);
  EXPECT_EQ(status().phase, Phase::kSucceeded);  // drift informs; it rolls nothing back
  for (const auto& query : provider_->queries()) {
    if (query.find("aviary_feature_drift") == std::string::npos) continue;
    EXPECT_NE(query.find("revision=\"" + stable + "\""), std::string::npos) << query;
  }

  // Drift stays up, and the controller restarts: still one call for this episode.
  const auto reconcileFor = [this](int rounds) {
    for (int i = 0; i < rounds; ++i) {
      ASSERT_TRUE(reconciler_->reconcile(kKey));
      clock_->advance(10s);
    }
  };
  reconcileFor(5);
  startReconciler({});
  reconcileFor(5);
  EXPECT_EQ(notifier_->calls.size(), 1u);

  provider_->set("aviary_feature_drift", 0.05);
  ASSERT_TRUE(runUntil([](const auto& s) { return driftIs(s, "False"); }, 5));
  EXPECT_FALSE(status().drift);

  // A second episode, whose first call fails: called again at the next reading, with its own id.
  notifier_->fail_next = 1;
  provider_->set("aviary_feature_drift", 0.6);
  ASSERT_TRUE(runUntil([](const auto& s) { return driftIs(s, "True"); }, 20));
  ASSERT_TRUE(runUntil([](const auto& s) { return s.drift && s.drift->notified; }, 5));
  ASSERT_EQ(notifier_->calls.size(), 3u);
  EXPECT_EQ(notifier_->calls[1].body.at("id"), notifier_->calls[2].body.at("id"));
  EXPECT_NE(notifier_->calls[0].body.at("id"), notifier_->calls[2].body.at("id"));

  std::vector<std::string> drift_decisions;
  for (const auto& record : decisions_) {
    if (record.decision.starts_with("Drift")) drift_decisions.push_back(record.decision);
  }
  EXPECT_EQ(drift_decisions, (std::vector<std::string>{"DriftDetected", "DriftCleared",
                                                       "DriftDetected", "DriftWebhookFailed"}));
}

TEST_F(ReconcilerTest, SettledObjectCausesNoWrites) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  ASSERT_TRUE(reconciler_->reconcile(kKey));  // whatever the last round left to say
  events_->flush();
  const auto writes = kube_->writes().size();
  const auto route_writes = router_->writeCalls();

  for (int i = 0; i < 3; ++i) {
    auto result = reconciler_->reconcile(kKey);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->requeue_after.count(), 0);
  }
  events_->flush();
  EXPECT_EQ(kube_->writes().size(), writes);
  EXPECT_EQ(router_->writeCalls(), route_writes);
}

TEST_F(ReconcilerTest, NewRevisionIsPromotedThroughItsSteps) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string v1 = status().stable_revision;
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });

  std::vector<std::int32_t> weights;
  ASSERT_TRUE(runUntil([&](const auto& s) {
    const auto w = router_->state(kKey).weight.value_or(-1);
    if (weights.empty() || weights.back() != w) weights.push_back(w);
    return phaseIs(s, Phase::kSucceeded) && s.stable_revision != v1;
  }));
  EXPECT_EQ(weights, (std::vector<std::int32_t>{0, 20, 50, 0}));
  const Json stable = deployment("churn-stable");
  EXPECT_EQ(revisionOf(stable), status().stable_revision);
  const auto args = stable["spec"]["template"]["spec"]["containers"][0]["args"];
  EXPECT_NE(std::find(args.begin(), args.end(), "--model-uri=file:///models/churn/v2/model.json"),
            args.end());
  EXPECT_FALSE(provider_->queries().empty());
  EXPECT_NE(provider_->queries().front().find(status().stable_revision), std::string::npos);
}

// The audit trail: each decision once, in order, about the revision it concerns, with an id that
// tells them apart.
TEST_F(ReconcilerTest, EveryDecisionOfARolloutIsAuditedInOrder) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string v1 = status().stable_revision;
  decisions_.clear();
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });
  ASSERT_TRUE(runUntil(
      [&](const auto& s) { return phaseIs(s, Phase::kSucceeded) && s.stable_revision != v1; }));
  const std::string v2 = status().stable_revision;
  std::vector<std::string> kinds;
  std::set<std::string> ids;
  for (const auto& record : decisions_) {
    EXPECT_EQ(record.key, kKey);
    EXPECT_EQ(record.revision, v2) << record.decision;
    if (kinds.empty() || kinds.back() != record.decision) kinds.push_back(record.decision);
    EXPECT_TRUE(ids.insert(governance::auditId(record)).second) << record.decision;
  }
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.front(), "RolloutStarted");
  EXPECT_EQ(kinds.back(), "Promoted");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "StepAdvanced"), kinds.end());
  const Json line = Json::parse(auditLine(decisions_.back()));
  EXPECT_EQ(line["audit"], "aviary.dev/v1");
  EXPECT_EQ(line["decision"], "Promoted");
}

// The promoted revision's model card: a ConfigMap owned by the ModelDeployment with the whole
// timeline and each gate's values from the analysis rounds the controller ran.
TEST_F(ReconcilerTest, APromotedRevisionGetsAModelCardWithItsTimelineAndGateValues) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string v1 = status().stable_revision;
  provider_->setDefault(0.25);
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });
  ASSERT_TRUE(runUntil(
      [&](const auto& s) { return phaseIs(s, Phase::kSucceeded) && s.stable_revision != v1; }));
  const std::string v2 = status().stable_revision;
  auto card_map = kube_->get(res::kConfigMaps.in("ml").named("churn-" + v2 + "-card"));
  ASSERT_TRUE(card_map) << card_map.error().message;
  EXPECT_TRUE(kube::isOwnedBy(*card_map, md()["metadata"]["uid"]));
  EXPECT_EQ((*card_map)["metadata"]["labels"][kModelDeploymentLabel], "churn");
  const Json card = Json::parse((*card_map)["data"]["card.json"].get<std::string>());
  EXPECT_EQ(card["revision"], v2);
  EXPECT_EQ(card["replaced"], v1);
  EXPECT_EQ(card["outcome"], "Promoted");
  EXPECT_EQ(card["model"]["uri"], "file:///models/churn/v2/model.json");
  // Each weight the router was given after the canary came up, in order (a step without a weight
  // change, such as a pause, is an entry of its own at the same weight).
  std::vector<std::int32_t> weights;
  for (const auto& entry : card["timeline"]) {
    if (entry["what"] != "step") continue;
    if (weights.empty() || weights.back() != entry["weight"]) weights.push_back(entry["weight"]);
  }
  EXPECT_EQ(weights, (std::vector<std::int32_t>{20, 50, 0})) << card["timeline"].dump();
  EXPECT_EQ(card["timeline"].back()["what"], "Promoted");
  ASSERT_EQ(card["gates"].size(), 1u);
  ASSERT_FALSE(card["gates"][0]["samples"].empty());
  for (const auto& sample : card["gates"][0]["samples"]) EXPECT_EQ(sample["value"], 0.25);
  const std::string html = (*card_map)["data"]["card.html"];
  EXPECT_NE(html.find("data-gate=\"" + card["gates"][0]["name"].get<std::string>() + "\""),
            std::string::npos);
}

TEST_F(ReconcilerTest, FailingMetricRollsBack) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string v1 = status().stable_revision;
  provider_->setDefault(7.0);  // error rate 7 % > max 1
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });

  // The spec now names v2, yet the stable must keep serving v1's model all along: the canary is
  // the only place a new spec runs before promotion.
  const auto stable_runs_v1 = [this] {
    const Json args =
        deployment("churn-stable")["spec"]["template"]["spec"]["containers"][0]["args"];
    return std::find(args.begin(), args.end(), "--model-uri=file:///models/churn/v1/model.json") !=
           args.end();
  };
  bool stable_kept_v1 = true;
  ASSERT_TRUE(runUntil([&](const auto& s) {
    stable_kept_v1 = stable_kept_v1 && stable_runs_v1();
    return phaseIs(s, Phase::kFailed);
  }));
  EXPECT_TRUE(stable_kept_v1);
  EXPECT_EQ(status().stable_revision, v1);
  EXPECT_EQ(router_->state(kKey).weight, 0);
  EXPECT_EQ(revisionOf(deployment("churn-stable")), v1);
  EXPECT_EQ(deployment("churn-canary")["spec"]["replicas"], 0);
  ASSERT_FALSE(status().history.empty());
  EXPECT_EQ(status().history.back().outcome, api::Outcome::kRolledBack);
}

TEST_F(ReconcilerTest, AbortAfterTheStableTookTheNewRevisionRestoresTheOldTemplate) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string v1 = status().stable_revision;
  const Json v1_template = deployment("churn-stable")["spec"]["template"];
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });
  // Promoting with a mesh: the stable runs v2 and the canary waits out scaleDownDelay.
  ASSERT_TRUE(runUntil([&](const auto& s) {
    return phaseIs(s, Phase::kPromoting) && revisionOf(deployment("churn-stable")) != v1;
  }));
  // What the API server records for a `kubectl patch --subresource=status`.
  ASSERT_TRUE(kube_->patch(
      res::kModelDeployments.in("ml").named("churn"), kube::PatchType::kMerge,
      Json{{"metadata",
            {{"managedFields",
              Json::array(
                  {{{"manager", "kubectl-patch"},
                    {"operation", "Update"},
                    {"subresource", "status"},
                    {"fieldsV1", {{"f:status", {{"f:requests", {{"f:abort", {}}}}}}}}}})}}}}));
  const std::size_t before_abort = decisions_.size();
  ASSERT_TRUE(kube_->patchStatus(res::kModelDeployments.in("ml").named("churn"),
                                 kube::PatchType::kMerge,
                                 Json{{"status", {{"requests", {{"abort", true}}}}}}));

  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kFailed); }));
  // The audit trail names who asked, on the decisions that consumed the request only.
  std::vector<std::string> users;
  for (std::size_t i = 0; i < decisions_.size(); ++i) {
    if (i < before_abort) {
      EXPECT_EQ(decisions_[i].user, "") << decisions_[i].decision;
    } else if (!decisions_[i].user.empty()) {
      users.push_back(decisions_[i].user);
    }
  }
  EXPECT_FALSE(users.empty());
  for (const auto& user : users) EXPECT_EQ(user, "kubectl-patch");
  EXPECT_EQ(status().stable_revision, v1);
  const Json stable_template = deployment("churn-stable")["spec"]["template"];
  EXPECT_EQ(stable_template, v1_template);  // the sidecar's args name v1's model again
  EXPECT_EQ(status().history.back().outcome, api::Outcome::kAborted);
}

SidecarDefaults sidecarOf(const std::string& image) {
  SidecarDefaults sidecar;
  sidecar.image = image;
  return sidecar;
}

TEST_F(ReconcilerTest, ANewSidecarIsRolledOutThroughTheCanaryNotInPlace) {
  startReconciler(sidecarOf("aviary-sidecar:1.0"));
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  const std::string v1 = status().stable_revision;
  auto image = [this](const std::string& deployment_name) {
    return deployment(deployment_name)["spec"]["template"]["spec"]["containers"][0].value("image",
                                                                                          "");
  };
  ASSERT_EQ(image("churn-stable"), "aviary-sidecar:1.0");

  startReconciler(sidecarOf("aviary-sidecar:1.1"));  // the controller upgraded
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kProgressing); }, 5));
  EXPECT_EQ(status().stable_revision, v1);
  EXPECT_NE(status().canary_revision, v1);
  EXPECT_EQ(image("churn-stable"), "aviary-sidecar:1.0");  // untouched until promoted
  EXPECT_EQ(image("churn-canary"), "aviary-sidecar:1.1");
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  EXPECT_EQ(image("churn-stable"), "aviary-sidecar:1.1");
}

TEST_F(ReconcilerTest, InvalidSpecIsRecordedAndNothingElseIsWritten) {
  Json object = modelDeployment();
  object["spec"]["strategy"]["steps"][0]["setWeight"] = 140;
  create(object);
  auto result = reconciler_->reconcile(kKey);
  ASSERT_TRUE(result) << result.error().message;

  const auto s = status();
  const auto stalled = std::find_if(s.conditions.begin(), s.conditions.end(),
                                    [](const api::Condition& c) { return c.type == "Stalled"; });
  ASSERT_NE(stalled, s.conditions.end());
  EXPECT_EQ(stalled->status, "True");
  EXPECT_EQ(stalled->reason, "InvalidSpec");
  EXPECT_NE(stalled->message.find("setWeight"), std::string::npos);
  for (const std::string& write : kube_->writes()) {
    EXPECT_EQ(write.find(" deployments.apps "), std::string::npos) << write;
    EXPECT_EQ(write.find(" services "), std::string::npos) << write;
  }
  EXPECT_EQ(router_->writeCalls(), 0);
}

TEST_F(ReconcilerTest, UnsupportedProviderIsAnInvalidSpec) {
  Json object = modelDeployment();
  object["spec"]["traffic"] = {{"provider", "nginx"}, {"nginx", {{"ingress", "churn"}}}};
  create(object);
  ASSERT_TRUE(reconciler_->reconcile(kKey));
  EXPECT_NE(status().message.find("nginx is not supported"), std::string::npos);
  EXPECT_FALSE(kube_->get(res::kDeployments.in("ml").named("churn-stable")));
}

TEST_F(ReconcilerTest, DeletionGivesTrafficBackThenRemovesTheFinalizer) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });
  ASSERT_TRUE(runUntil([&](const auto&) { return router_->state(kKey).weight == 20; }));

  ASSERT_TRUE(kube_->remove(res::kModelDeployments.in("ml").named("churn")));
  ASSERT_TRUE(kube_->get(res::kModelDeployments.in("ml").named("churn")));  // held by finalizer
  ASSERT_TRUE(reconciler_->reconcile(kKey));
  EXPECT_EQ(router_->finalized(), std::vector<std::string>{kKey});
  EXPECT_EQ(router_->state(kKey).weight, 0);
  EXPECT_FALSE(kube_->get(res::kModelDeployments.in("ml").named("churn")));
  ASSERT_TRUE(reconciler_->reconcile(kKey));  // gone: nothing to do
}

TEST_F(ReconcilerTest, RequestWrittenBetweenReadAndStatusWriteIsKeptAndActedOn) {
  create(modelDeployment());
  ASSERT_TRUE(runUntil([](const auto& s) { return phaseIs(s, Phase::kSucceeded); }));
  editSpec([](Json& spec) { spec["model"]["uri"] = "file:///models/churn/v2/model.json"; });
  ASSERT_TRUE(reconciler_->reconcile(kKey));  // the canary starts
  cluster_.tick();                            // and turns ready: the next reconcile moves on
  // A user pauses the rollout just after the reconcile read the object: the status decided from
  // that read is stale.
  after_read_ = [this] {
    ASSERT_TRUE(kube_->patchStatus(res::kModelDeployments.in("ml").named("churn"),
                                   kube::PatchType::kMerge,
                                   Json{{"status", {{"requests", {{"paused", true}}}}}}));
  };
  auto result = reconciler_->reconcile(kKey);
  ASSERT_TRUE(result) << result.error().message;

  const auto s = status();
  EXPECT_TRUE(s.paused_by_user);
  EXPECT_EQ(s.phase, Phase::kPaused);
  EXPECT_EQ(s.requests, api::ManualRequests{});
  EXPECT_FALSE(s.canary_revision.empty());
}

}  // namespace
}  // namespace aviary::controller
