#include "router/gateway_api_router.h"

#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "tests/fakes/fake_kube.h"

namespace aviary::router {
namespace {

using kube::Json;
using testing::FakeKube;
namespace gw = gateway_api;

const kube::ResourceRef kRoutes = kube::resources::kHttpRoutes.in("ml");

RouteTarget churnTarget() {
  RouteTarget target{.ns = "ml",
                     .name = "churn",
                     .stable_service = "churn-stable",
                     .canary_service = "churn-canary",
                     .traffic = {}};
  target.traffic.provider = api::TrafficProvider::kGatewayApi;
  target.traffic.gateway_api = api::GatewayApiTraffic{.http_route = "churn"};
  return target;
}

Json backend(const std::string& name, std::optional<int> weight = std::nullopt) {
  Json ref = {{"name", name}, {"port", 8080}};
  if (weight) ref["weight"] = *weight;
  return ref;
}

Json mirrorTo(const std::string& name) {
  return {{"type", "RequestMirror"},
          {"requestMirror", {{"backendRef", {{"name", name}, {"port", 8080}}}}}};
}

Json route(Json rules, const std::string& resource_version = "7") {
  return {
      {"apiVersion", "gateway.networking.k8s.io/v1"},
      {"kind", "HTTPRoute"},
      {"metadata", {{"name", "churn"}, {"namespace", "ml"}, {"resourceVersion", resource_version}}},
      {"spec",
       {{"parentRefs", Json::array({{{"name", "gateway"}}})},
        {"hostnames", Json::array({"churn.example.com"})},
        {"rules", std::move(rules)}}}};
}

Json rule(Json backends, Json filters = nullptr) {
  Json out = {{"backendRefs", std::move(backends)}};
  if (!filters.is_null()) out["filters"] = std::move(filters);
  return out;
}

// A route with what users put beside aviary's backends: matches, header filters, a rule of their
// own, and a third backend in aviary's rule.
Json busyRoute() {
  return route(Json::array(
      {{{"matches", Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/admin"}}}}})},
        {"backendRefs", Json::array({backend("admin", 1)})}},
       {{"matches",
         Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/predict"}}}},
                      {{"headers", Json::array({{{"name", "x-tier"}, {"value", "gold"}}})}}})},
        {"filters",
         Json::array({{{"type", "RequestHeaderModifier"},
                       {"requestHeaderModifier",
                        {{"set", Json::array({{{"name", "x-via"}, {"value", "gw"}}})}}}}})},
        {"backendRefs", Json::array({backend("churn-stable", 90), backend("churn-canary", 10),
                                     backend("churn-legacy", 10)})},
        {"timeouts", {{"request", "10s"}}}}}));
}

// --- canaryPercent --------------------------------------------------------------------------

TEST(GatewayApiCanaryPercentTest, IsTheCanarysShareRoundedHalfUp) {
  struct Row {
    std::int64_t stable, canary;
    std::int32_t percent;
  };
  for (const Row& row : std::vector<Row>{
           {100, 0, 0},
           {0, 100, 100},
           {80, 20, 20},
           {1, 1, 50},
           {2, 1, 33},
           {1, 2, 67},
           {199, 1, 1},
           {201, 1, 0},
           {3, 1, 25},
           {0, 0, 0},
           {0, 1, 100},
           {1000000, 1000000, 50},
       }) {
    EXPECT_EQ(gw::canaryPercent(row.stable, row.canary), row.percent)
        << row.stable << " / " << row.canary;
  }
}

// --- readRoute ------------------------------------------------------------------------------

TEST(GatewayApiReadRouteTest, ReadsWeightAndMirrorOfAviarysBackends) {
  struct Row {
    std::string name;
    Json rules;
    std::optional<std::int32_t> weight;
    std::optional<bool> mirror;
  };
  const std::vector<Row> rows = {
      {"explicit weights",
       Json::array({rule(Json::array({backend("churn-stable", 80), backend("churn-canary", 20)}))}),
       20, false},
      {"unset weights default to 1",
       Json::array({rule(Json::array({backend("churn-stable"), backend("churn-canary")}))}), 50,
       false},
      {"unset stable beside a zero canary",
       Json::array({rule(Json::array({backend("churn-stable"), backend("churn-canary", 0)}))}), 0,
       false},
      {"a third backend does not count",
       Json::array({rule(Json::array({backend("churn-stable", 60), backend("churn-canary", 20),
                                      backend("churn-legacy", 20)}))}),
       25, false},
      {"defaulted group, kind and own namespace still name aviary's Services",
       Json::array({rule(Json::array({{{"group", ""},
                                       {"kind", "Service"},
                                       {"name", "churn-stable"},
                                       {"namespace", "ml"},
                                       {"port", 8080},
                                       {"weight", 90}},
                                      {{"group", ""},
                                       {"kind", "Service"},
                                       {"name", "churn-canary"},
                                       {"port", 8080},
                                       {"weight", 10}}}))}),
       10, false},
      {"the first rule naming both decides the weight",
       Json::array({rule(Json::array({backend("churn-stable", 1)})),
                    rule(Json::array({backend("churn-canary", 30), backend("churn-stable", 70)})),
                    rule(Json::array({backend("churn-canary", 50), backend("churn-stable", 50)}))}),
       30, false},
      {"mirror in every rule",
       Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                         Json::array({mirrorTo("churn-canary")})),
                    rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                         Json::array({mirrorTo("churn-canary")}))}),
       0, true},
      {"a mirror left in one rule counts, so that it gets turned off",
       Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)})),
                    rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                         Json::array({mirrorTo("churn-canary")}))}),
       0, true},
      {"a user's mirror to another Service is not aviary's",
       Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                         Json::array({mirrorTo("churn-audit")}))}),
       0, false},
  };
  for (const Row& row : rows) {
    auto state = gw::readRoute(route(row.rules), churnTarget());
    ASSERT_TRUE(state.has_value()) << row.name << ": " << state.error().message;
    EXPECT_EQ(state->weight, row.weight) << row.name;
    EXPECT_EQ(state->mirror, row.mirror) << row.name;
  }
}

TEST(GatewayApiReadRouteTest, ARouteWithoutBothServicesInOneRuleIsFailedPrecondition) {
  struct Row {
    std::string name;
    Json rules;
  };
  const std::vector<Row> rows = {
      {"no rules", Json::array()},
      {"only stable", Json::array({rule(Json::array({backend("churn-stable")}))})},
      {"each in its own rule", Json::array({rule(Json::array({backend("churn-stable")})),
                                            rule(Json::array({backend("churn-canary")}))})},
      {"canary in another namespace",
       Json::array({rule(Json::array(
           {backend("churn-stable"), {{"name", "churn-canary"}, {"namespace", "other"}}}))})},
      {"canary of another kind",
       Json::array({rule(Json::array(
           {backend("churn-stable"),
            {{"group", "example.com"}, {"kind", "Backend"}, {"name", "churn-canary"}}}))})},
  };
  for (const Row& row : rows) {
    auto state = gw::readRoute(route(row.rules), churnTarget());
    ASSERT_FALSE(state.has_value()) << row.name;
    EXPECT_EQ(state.error().code, ErrorCode::kFailedPrecondition) << row.name;
    for (const char* word : {"ml/churn", "churn-stable", "churn-canary"}) {
      EXPECT_NE(state.error().message.find(word), std::string::npos)
          << row.name << ": " << state.error().message;
    }
  }
}

// --- routePatch -----------------------------------------------------------------------------

TEST(GatewayApiRoutePatchTest, ChangesOnlyAviarysWeightsAndKeepsEverythingElse) {
  Json live = busyRoute();
  auto patch = gw::routePatch(live, churnTarget(), {.canary_percent = 30, .mirror = std::nullopt});
  ASSERT_TRUE(patch.has_value()) << patch.error().message;
  ASSERT_TRUE(patch->has_value());

  Json expected_rules = live["spec"]["rules"];
  expected_rules[1]["backendRefs"][0]["weight"] = 70;
  expected_rules[1]["backendRefs"][1]["weight"] = 30;
  const Json expected = {{"metadata", {{"resourceVersion", "7"}}},
                         {"spec", {{"rules", expected_rules}}}};
  EXPECT_EQ(**patch, expected) << (*patch)->dump(2);
}

TEST(GatewayApiRoutePatchTest, NothingToWriteWhenTheRouteAlreadySaysIt) {
  struct Row {
    std::string name;
    Json rules;
    gw::RouteChange change;
  };
  const std::vector<Row> rows = {
      {"same weights", busyRoute()["spec"]["rules"], {.canary_percent = 10, .mirror = false}},
      {"unset stable weight counts as 1",
       Json::array({rule(Json::array({backend("churn-stable"), backend("churn-canary", 99)}))}),
       {.canary_percent = 99, .mirror = std::nullopt}},
      {"mirror already there",
       Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                         Json::array({mirrorTo("churn-canary")}))}),
       {.canary_percent = 0, .mirror = true}},
      {"nothing asked", busyRoute()["spec"]["rules"], {}},
  };
  for (const Row& row : rows) {
    auto patch = gw::routePatch(route(row.rules), churnTarget(), row.change);
    ASSERT_TRUE(patch.has_value()) << row.name << ": " << patch.error().message;
    EXPECT_FALSE(patch->has_value()) << row.name << ": " << (*patch)->dump();
  }
}

TEST(GatewayApiRoutePatchTest, WritesAWeightThatOnlyAppearsEqualAsAPercentage) {
  // 1:1 is 50 percent, but not in aviary's form; writing 50:50 once makes it settle.
  Json live =
      route(Json::array({rule(Json::array({backend("churn-stable"), backend("churn-canary")}))}));
  auto patch = gw::routePatch(live, churnTarget(), {.canary_percent = 50, .mirror = std::nullopt});
  ASSERT_TRUE(patch.has_value());
  ASSERT_TRUE(patch->has_value());
  EXPECT_EQ((**patch)["spec"]["rules"][0]["backendRefs"][0]["weight"], 50);
  EXPECT_EQ((**patch)["spec"]["rules"][0]["backendRefs"][1]["weight"], 50);
}

TEST(GatewayApiRoutePatchTest, SetsEveryRuleThatNamesBothServices) {
  Json live = route(
      Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)})),
                   rule(Json::array({backend("churn-stable", 1)})),
                   rule(Json::array({backend("churn-canary", 0), backend("churn-stable", 100)}))}));
  auto patch = gw::routePatch(live, churnTarget(), {.canary_percent = 5, .mirror = std::nullopt});
  ASSERT_TRUE(patch.has_value());
  ASSERT_TRUE(patch->has_value());
  const Json& rules = (**patch)["spec"]["rules"];
  EXPECT_EQ(rules[0]["backendRefs"],
            Json::array({backend("churn-stable", 95), backend("churn-canary", 5)}));
  EXPECT_EQ(rules[1], live["spec"]["rules"][1]);
  EXPECT_EQ(rules[2]["backendRefs"],
            Json::array({backend("churn-canary", 5), backend("churn-stable", 95)}));
}

TEST(GatewayApiRoutePatchTest, AddsAviarysMirrorAfterTheUsersFiltersAndRemovesOnlyIt) {
  Json live = busyRoute();
  auto on = gw::routePatch(live, churnTarget(), {.canary_percent = std::nullopt, .mirror = true});
  ASSERT_TRUE(on.has_value()) << on.error().message;
  ASSERT_TRUE(on->has_value());
  Json expected_rules = live["spec"]["rules"];
  expected_rules[1]["filters"].push_back(mirrorTo("churn-canary"));
  EXPECT_EQ((**on)["spec"]["rules"], expected_rules);

  Json mirrored = route(expected_rules);
  auto off =
      gw::routePatch(mirrored, churnTarget(), {.canary_percent = std::nullopt, .mirror = false});
  ASSERT_TRUE(off.has_value()) << off.error().message;
  ASSERT_TRUE(off->has_value());
  EXPECT_EQ((**off)["spec"]["rules"], live["spec"]["rules"]);
}

TEST(GatewayApiRoutePatchTest, MirrorsEveryRuleThatNamesBothServices) {
  const Json half =
      Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                        Json::array({mirrorTo("churn-canary")})),
                   rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}))});
  auto on =
      gw::routePatch(route(half), churnTarget(), {.canary_percent = std::nullopt, .mirror = true});
  ASSERT_TRUE(on.has_value()) << on.error().message;
  ASSERT_TRUE(on->has_value());
  EXPECT_EQ((**on)["spec"]["rules"][0], half[0]);
  EXPECT_EQ((**on)["spec"]["rules"][1]["filters"], Json::array({mirrorTo("churn-canary")}));

  auto off =
      gw::routePatch(route(half), churnTarget(), {.canary_percent = std::nullopt, .mirror = false});
  ASSERT_TRUE(off.has_value()) << off.error().message;
  ASSERT_TRUE(off->has_value());
  EXPECT_FALSE((**off)["spec"]["rules"][0].contains("filters"));
  EXPECT_EQ((**off)["spec"]["rules"][1], half[1]);
}

TEST(GatewayApiRoutePatchTest, RemovingTheOnlyFilterRemovesTheFiltersList) {
  Json live = route(
      Json::array({rule(Json::array({backend("churn-stable", 100), backend("churn-canary", 0)}),
                        Json::array({mirrorTo("churn-canary")}))}));
  auto off = gw::routePatch(live, churnTarget(), {.canary_percent = std::nullopt, .mirror = false});
  ASSERT_TRUE(off.has_value());
  ASSERT_TRUE(off->has_value());
  EXPECT_FALSE((**off)["spec"]["rules"][0].contains("filters"));
}

TEST(GatewayApiRoutePatchTest, RefusesWhatItCannotDo) {
  struct Row {
    std::string name;
    Json rules;
    gw::RouteChange change;
    ErrorCode code;
  };
  const std::vector<Row> rows = {
      {"weight above 100",
       busyRoute()["spec"]["rules"],
       {.canary_percent = 101, .mirror = std::nullopt},
       ErrorCode::kInvalidArgument},
      {"negative weight",
       busyRoute()["spec"]["rules"],
       {.canary_percent = -1, .mirror = std::nullopt},
       ErrorCode::kInvalidArgument},
      {"no rule with both Services",
       Json::array({rule(Json::array({backend("churn-stable")}))}),
       {.canary_percent = 0, .mirror = std::nullopt},
       ErrorCode::kFailedPrecondition},
      {"mirror to a canary backendRef without a port",
       Json::array({rule(Json::array({backend("churn-stable"), {{"name", "churn-canary"}}}))}),
       {.canary_percent = std::nullopt, .mirror = true},
       ErrorCode::kFailedPrecondition},
  };
  for (const Row& row : rows) {
    auto patch = gw::routePatch(route(row.rules), churnTarget(), row.change);
    ASSERT_FALSE(patch.has_value()) << row.name;
    EXPECT_EQ(patch.error().code, row.code) << row.name << ": " << patch.error().message;
  }
}

// --- GatewayApiRouter on FakeKube -----------------------------------------------------------

// FakeKube seen through the router's eyes: counts the patches sent (FakeKube, like the API server,
// records no write for a patch that changes nothing), and can let a user's tool write the route
// just before the next patch, so that patch loses the race.
class SpyKube final : public kube::KubeClient {
 public:
  explicit SpyKube(std::shared_ptr<FakeKube> kube) : kube_(std::move(kube)) {}

  int patches() const { return patches_; }
  void raceBeforeNextPatch(std::function<void(FakeKube&)> user_write) {
    user_write_ = std::move(user_write);
  }

  Result<Json> get(const kube::ResourceRef& ref) override { return kube_->get(ref); }
  Result<kube::ObjectList> list(const kube::ResourceRef& ref, const kube::ListOptions& o) override {
    return kube_->list(ref, o);
  }
  Result<Json> create(const kube::ResourceRef& ref, const Json& o) override {
    return kube_->create(ref, o);
  }
  Result<Json> update(const kube::ResourceRef& ref, const Json& o) override {
    return kube_->update(ref, o);
  }
  Result<Json> updateStatus(const kube::ResourceRef& ref, const Json& o) override {
    return kube_->updateStatus(ref, o);
  }
  Result<Json> patch(const kube::ResourceRef& ref, kube::PatchType type, const Json& patch,
                     const kube::PatchOptions& options) override {
    ++patches_;
    if (user_write_) std::exchange(user_write_, nullptr)(*kube_);
    return kube_->patch(ref, type, patch, options);
  }
  Result<Json> patchStatus(const kube::ResourceRef& ref, kube::PatchType type, const Json& patch,
                           const kube::PatchOptions& options) override {
    return kube_->patchStatus(ref, type, patch, options);
  }
  Status remove(const kube::ResourceRef& ref, const kube::DeleteOptions& o) override {
    return kube_->remove(ref, o);
  }
  Status watch(const kube::ResourceRef& ref, const kube::WatchOptions& o,
               const kube::WatchHandler& h, std::stop_token stop) override {
    return kube_->watch(ref, o, h, stop);
  }

 private:
  std::shared_ptr<FakeKube> kube_;
  int patches_ = 0;
  std::function<void(FakeKube&)> user_write_;
};

class GatewayApiRouterTest : public ::testing::Test {
 protected:
  Json create(const Json& object) {
    Json input = object;
    input["metadata"].erase("resourceVersion");
    auto created = kube_->create(kRoutes, input);
    EXPECT_TRUE(created.has_value()) << created.error().message;
    return created.value_or(Json());
  }
  Json live() { return kube_->get(kRoutes.named("churn")).value_or(Json()); }
  std::size_t writes() const { return kube_->writes().size(); }

  std::shared_ptr<FakeKube> kube_ = std::make_shared<FakeKube>();
  std::shared_ptr<SpyKube> spy_ = std::make_shared<SpyKube>(kube_);
  GatewayApiRouter router_{spy_};
  RouteTarget target_ = churnTarget();
};

TEST_F(GatewayApiRouterTest, ObservesTheRoutesWeightAndMirror) {
  create(route(
      Json::array({rule(Json::array({backend("churn-stable", 75), backend("churn-canary", 25)}),
                        Json::array({mirrorTo("churn-canary")}))})));
  auto state = router_.observe(target_);
  ASSERT_TRUE(state.has_value()) << state.error().message;
  EXPECT_EQ(state->weight, 25);
  EXPECT_EQ(state->mirror, true);
}

TEST_F(GatewayApiRouterTest, AMissingRouteIsNotFound) {
  auto state = router_.observe(target_);
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code, ErrorCode::kNotFound);
  EXPECT_NE(state.error().message.find("HTTPRoute ml/churn"), std::string::npos)
      << state.error().message;
  for (Status status : {router_.setWeight(target_, 10), router_.setMirror(target_, true)}) {
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  }
  EXPECT_TRUE(kube_->writes().empty());
}

TEST_F(GatewayApiRouterTest, ARouteWithoutAviarysBackendsIsFailedPreconditionNamingThem) {
  create(route(Json::array({rule(Json::array({backend("churn")}))})));
  auto state = router_.observe(target_);
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(state.error().message.find("HTTPRoute ml/churn"), std::string::npos);
  EXPECT_NE(state.error().message.find("churn-stable"), std::string::npos);
  EXPECT_NE(state.error().message.find("churn-canary"), std::string::npos);
  auto set = router_.setWeight(target_, 10);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(writes(), 1u);  // the create only
}

TEST_F(GatewayApiRouterTest, SetWeightWritesOnlyAviarysWeightsAndOnlyWhenTheyDiffer) {
  Json before = create(busyRoute());
  ASSERT_TRUE(router_.setWeight(target_, 40).has_value());
  EXPECT_EQ(writes(), 2u);
  Json after = live();
  Json expected_spec = before["spec"];
  expected_spec["rules"][1]["backendRefs"][0]["weight"] = 60;
  expected_spec["rules"][1]["backendRefs"][1]["weight"] = 40;
  EXPECT_EQ(after["spec"], expected_spec) << after["spec"].dump(2);
  EXPECT_EQ(router_.observe(target_)->weight, 40);

  // At steady state nothing is sent, however often it is asked.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(router_.setWeight(target_, 40).has_value());
  EXPECT_EQ(spy_->patches(), 1);
  EXPECT_EQ(writes(), 2u);
  EXPECT_EQ(live()["metadata"]["resourceVersion"], after["metadata"]["resourceVersion"]);
}

TEST_F(GatewayApiRouterTest, SetMirrorAddsAndRemovesOnlyAviarysFilter) {
  Json before = create(busyRoute());
  ASSERT_TRUE(router_.setMirror(target_, true).has_value());
  ASSERT_TRUE(router_.setMirror(target_, true).has_value());
  EXPECT_EQ(spy_->patches(), 1);
  EXPECT_EQ(writes(), 2u);
  Json filters = live()["spec"]["rules"][1]["filters"];
  ASSERT_EQ(filters.size(), 2u);
  EXPECT_EQ(filters[0], before["spec"]["rules"][1]["filters"][0]);
  EXPECT_EQ(filters[1], mirrorTo("churn-canary"));
  EXPECT_EQ(router_.observe(target_)->mirror, true);

  ASSERT_TRUE(router_.setMirror(target_, false).has_value());
  ASSERT_TRUE(router_.setMirror(target_, false).has_value());
  EXPECT_EQ(spy_->patches(), 2);
  EXPECT_EQ(writes(), 3u);
  EXPECT_EQ(live()["spec"], before["spec"]);
  EXPECT_EQ(router_.observe(target_)->mirror, false);
}

TEST_F(GatewayApiRouterTest, FinalizeGivesAllTrafficBackToStableAndStopsTheMirror) {
  Json before = create(busyRoute());
  ASSERT_TRUE(router_.setWeight(target_, 50).has_value());
  ASSERT_TRUE(router_.setMirror(target_, true).has_value());
  ASSERT_TRUE(router_.finalize(target_).has_value());
  Json expected_spec = before["spec"];
  expected_spec["rules"][1]["backendRefs"][0]["weight"] = 100;
  expected_spec["rules"][1]["backendRefs"][1]["weight"] = 0;
  EXPECT_EQ(live()["spec"], expected_spec) << live()["spec"].dump(2);
  EXPECT_EQ(writes(), 4u);  // create, weight, mirror, finalize (one write for both)
  ASSERT_TRUE(router_.finalize(target_).has_value());
  EXPECT_EQ(spy_->patches(), 3);
  EXPECT_EQ(writes(), 4u);
}

TEST_F(GatewayApiRouterTest, FinalizeSucceedsWhenNothingOfAviarysIsLeft) {
  EXPECT_TRUE(router_.finalize(target_).has_value()) << "no route";
  create(route(Json::array({rule(Json::array({backend("churn")}))})));
  EXPECT_TRUE(router_.finalize(target_).has_value()) << "a route without aviary's backends";
  EXPECT_EQ(spy_->patches(), 0);
  EXPECT_EQ(writes(), 1u);
}

TEST_F(GatewayApiRouterTest, AnotherFailureStopsFinalize) {
  create(busyRoute());
  kube_->failNext("get", Error{ErrorCode::kUnavailable, "connection refused"});
  auto status = router_.finalize(target_);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
}

TEST_F(GatewayApiRouterTest, ASpecWithoutARouteIsInvalidArgument) {
  target_.traffic.gateway_api.reset();
  auto state = router_.observe(target_);
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code, ErrorCode::kInvalidArgument);
  auto set = router_.setWeight(target_, 10);
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(GatewayApiRouterTest, OneConflictIsRetriedTwoAreReturned) {
  create(busyRoute());
  kube_->failNext("patch", Error{ErrorCode::kConflict, "the object has been modified"});
  ASSERT_TRUE(router_.setWeight(target_, 20).has_value());
  EXPECT_EQ(router_.observe(target_)->weight, 20);

  kube_->failNext("patch", Error{ErrorCode::kConflict, "the object has been modified"});
  kube_->failNext("patch", Error{ErrorCode::kConflict, "the object has been modified"});
  auto status = router_.setWeight(target_, 30);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(router_.observe(target_)->weight, 20);
}

TEST_F(GatewayApiRouterTest, AConcurrentUserEditSurvivesTheRetry) {
  create(busyRoute());
  spy_->raceBeforeNextPatch([](FakeKube& kube) {
    Json edited = kube.get(kRoutes.named("churn")).value();
    edited["spec"]["hostnames"].push_back("churn.example.org");
    edited["spec"]["rules"][0]["backendRefs"][0]["weight"] = 3;
    ASSERT_TRUE(kube.update(kRoutes.named("churn"), edited).has_value());
  });
  ASSERT_TRUE(router_.setWeight(target_, 20).has_value());
  EXPECT_EQ(spy_->patches(), 2);  // the first lost the race
  Json after = live();
  EXPECT_EQ(after["spec"]["hostnames"], Json::array({"churn.example.com", "churn.example.org"}));
  EXPECT_EQ(after["spec"]["rules"][0]["backendRefs"][0]["weight"], 3);
  EXPECT_EQ(after["spec"]["rules"][1]["backendRefs"][0]["weight"], 80);
  EXPECT_EQ(after["spec"]["rules"][1]["backendRefs"][1]["weight"], 20);
  EXPECT_EQ(kube_->writes().size(), 3u);  // create, the user's update, aviary's patch
}

}  // namespace
}  // namespace aviary::router
