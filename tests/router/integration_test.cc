// Runs the gatewayAPI router against a real kube-apiserver with the Gateway API CRDs installed (the
// local control plane of e2e/cluster/up.sh installs them): set AVIARY_TEST_KUBECONFIG to its
// kubeconfig. Without it, or without the HTTPRoute CRD, every test skips and says why.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "kube/config.h"
#include "kube/rest_client.h"
#include "router/factory.h"

namespace aviary::router {
namespace {

using kube::Json;

const char* kubeconfigPath() { return std::getenv("AVIARY_TEST_KUBECONFIG"); }

class GatewayApiRouterIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (kubeconfigPath() == nullptr || *kubeconfigPath() == '\0') {
      GTEST_SKIP() << "AVIARY_TEST_KUBECONFIG is unset: no API server to test against (start one "
                      "with e2e/cluster/up.sh and point AVIARY_TEST_KUBECONFIG at its kubeconfig)";
    }
    auto config = kube::loadKubeconfig(kubeconfigPath());
    ASSERT_TRUE(config.has_value()) << config.error().message;
    config->timeout = std::chrono::seconds{10};
    auto client = kube::RestClient::create(*config);
    ASSERT_TRUE(client.has_value()) << client.error().message;
    client_ = *client;
    auto crd = client_->get(
        kube::resources::kCustomResourceDefinitions.named("httproutes.gateway.networking.k8s.io"));
    if (!crd.has_value()) {
      client_.reset();
      GTEST_SKIP() << "the HTTPRoute CRD is not installed (" << crd.error().message
                   << "): e2e/cluster/up.sh installs the Gateway API CRDs";
    }
    ns_ = "aviary-router-it-" + std::to_string(::getpid());
    Json ns = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns_}}}};
    auto created = client_->create(kube::resources::kNamespaces, ns);
    ASSERT_TRUE(created.has_value()) << created.error().message;
    target_ = {.ns = ns_,
               .name = "churn",
               .stable_service = "churn-stable",
               .canary_service = "churn-canary",
               .traffic = {}};
    target_.traffic.provider = api::TrafficProvider::kGatewayApi;
    target_.traffic.gateway_api = api::GatewayApiTraffic{.http_route = "churn"};
  }

  void TearDown() override {
    if (client_) (void)client_->remove(kube::resources::kNamespaces.named(ns_));
  }

  kube::ResourceRef routeRef() const { return kube::resources::kHttpRoutes.in(ns_).named("churn"); }
  Json live() { return client_->get(routeRef()).value_or(Json()); }

  // A user's route: a rule of their own, and aviary's rule with a match, a header filter and a
  // third backend.
  Json userRoute() const {
    auto ref = [](const std::string& name, int weight) {
      return Json{{"name", name}, {"port", 8080}, {"weight", weight}};
    };
    return {{"apiVersion", "gateway.networking.k8s.io/v1"},
            {"kind", "HTTPRoute"},
            {"metadata", {{"name", "churn"}, {"namespace", ns_}}},
            {"spec",
             {{"parentRefs", Json::array({{{"name", "gateway"}}})},
              {"rules",
               Json::array(
                   {{{"matches",
                      Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/admin"}}}}})},
                     {"backendRefs", Json::array({ref("admin", 1)})}},
                    {{"matches",
                      Json::array({{{"path", {{"type", "PathPrefix"}, {"value", "/predict"}}}}})},
                     {"filters", Json::array({{{"type", "RequestHeaderModifier"},
                                               {"requestHeaderModifier",
                                                {{"set", Json::array({{{"name", "x-via"},
                                                                       {"value", "gw"}}})}}}}})},
                     {"backendRefs", Json::array({ref("churn-stable", 100), ref("churn-canary", 0),
                                                  ref("churn-legacy", 5)})}}})}}}};
  }

  std::shared_ptr<kube::RestClient> client_;
  std::string ns_;
  RouteTarget target_;
};

TEST_F(GatewayApiRouterIntegrationTest, DrivesAUsersHttpRouteAndLeavesTheRestAlone) {
  auto created = client_->create(kube::resources::kHttpRoutes.in(ns_), userRoute());
  ASSERT_TRUE(created.has_value()) << created.error().message;
  const Json before = live();

  RouterFactory factory(client_);
  auto found = factory.router(api::TrafficProvider::kGatewayApi);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  Router& router = **found;

  auto state = router.observe(target_);
  ASSERT_TRUE(state.has_value()) << state.error().message;
  EXPECT_EQ(state->weight, 0);
  EXPECT_EQ(state->mirror, false);

  ASSERT_TRUE(router.setWeight(target_, 30).has_value());
  Json weighted = live();
  EXPECT_EQ(router.observe(target_)->weight, 30);
  EXPECT_EQ(weighted["spec"]["rules"][0], before["spec"]["rules"][0]);
  const Json& rule = weighted["spec"]["rules"][1];
  EXPECT_EQ(rule["matches"], before["spec"]["rules"][1]["matches"]);
  EXPECT_EQ(rule["filters"], before["spec"]["rules"][1]["filters"]);
  EXPECT_EQ(rule["backendRefs"][0]["weight"], 70);
  EXPECT_EQ(rule["backendRefs"][1]["weight"], 30);
  EXPECT_EQ(rule["backendRefs"][2], before["spec"]["rules"][1]["backendRefs"][2]);
  bool aviary_manages = false;
  for (const Json& entry : weighted["metadata"].value("managedFields", Json::array())) {
    aviary_manages = aviary_manages || entry.value("manager", "") == "aviary";
  }
  EXPECT_TRUE(aviary_manages) << weighted["metadata"].dump();

  // Settled: asking again writes nothing.
  ASSERT_TRUE(router.setWeight(target_, 30).has_value());
  EXPECT_EQ(live()["metadata"]["resourceVersion"], weighted["metadata"]["resourceVersion"]);

  ASSERT_TRUE(router.setMirror(target_, true).has_value());
  Json mirrored = live();
  EXPECT_EQ(router.observe(target_)->mirror, true);
  ASSERT_EQ(mirrored["spec"]["rules"][1]["filters"].size(), 2u);
  EXPECT_EQ(mirrored["spec"]["rules"][1]["filters"][0], before["spec"]["rules"][1]["filters"][0]);
  // The server fills in defaults in aviary's filter; it is still recognised as aviary's.
  ASSERT_TRUE(router.setMirror(target_, true).has_value());
  EXPECT_EQ(live()["metadata"]["resourceVersion"], mirrored["metadata"]["resourceVersion"]);

  ASSERT_TRUE(router.finalize(target_).has_value());
  Json final_route = live();
  Json expected_rules = before["spec"]["rules"];
  expected_rules[1]["backendRefs"][0]["weight"] = 100;
  expected_rules[1]["backendRefs"][1]["weight"] = 0;
  EXPECT_EQ(final_route["spec"]["rules"], expected_rules) << final_route["spec"].dump(2);

  ASSERT_TRUE(client_->remove(routeRef()).has_value());
  EXPECT_TRUE(router.finalize(target_).has_value());
  auto gone = router.observe(target_);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace aviary::router
