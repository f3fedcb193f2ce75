#include "controller/manifests.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "api/json.h"

// The generated objects, compared whole with golden JSON files in tests/controller/testdata.
namespace aviary::controller {
namespace {

using kube::Json;

Json golden(const std::string& name) {
  std::ifstream in("tests/controller/testdata/" + name);
  EXPECT_TRUE(in) << name;
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

Json md() {
  return {{"apiVersion", "aviary.dev/v1alpha1"},
          {"kind", "ModelDeployment"},
          {"metadata", {{"name", "churn"}, {"namespace", "ml"}, {"uid", "u-1"}}}};
}

api::ModelDeploymentSpec spec(const Json& json) { return api::parseSpec(json).spec; }

TEST(ManifestsTest, DeploymentFromAnEmptyTemplate) {
  const auto s = spec(Json::parse(R"({"model": {"name": "churn", "version": "v1",
      "uri": "file:///models/churn/v1/model.json", "sha256": "ab12",
      "reference": "file:///models/churn/profile.json", "groupInput": "region"}})"));
  SidecarDefaults sidecar{.image = "registry/aviary-sidecar:1.0",
                          .cpu_request = "100m",
                          .memory_request = "128Mi",
                          .extra_args = {"--threads=2"}};
  EXPECT_EQ(deploymentFor(md(), s, rollout::Role::kCanary, "0a1b2c3d4e", 3, sidecar),
            golden("deployment_canary.json"));
}

TEST(ManifestsTest, DeploymentKeepsTheUsersTemplateAndReplacesASidecarOfTheSameName) {
  const auto s = spec(Json::parse(R"({"model": {"name": "churn", "uri": "file:///m.json"},
      "template": {"metadata": {"labels": {"team": "risk"}, "annotations": {"a": "b"}},
                   "spec": {"serviceAccountName": "churn",
                            "containers": [{"name": "aviary-sidecar", "image": "old"},
                                           {"name": "log-shipper", "image": "shipper:2"}]}}})"));
  EXPECT_EQ(deploymentFor(md(), s, rollout::Role::kStable, "0a1b2c3d4e", 2, SidecarDefaults{}),
            golden("deployment_stable_template.json"));
}

TEST(ManifestsTest, ThreeServices) {
  const auto services = servicesFor(md());
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(Json(services), golden("services.json"));
}

TEST(ManifestsTest, SidecarArgsAreFlagsTheSidecarAccepts) {
  api::ModelSpec model;
  model.name = "churn";
  model.uri = "file:///m.json";
  EXPECT_EQ(sidecarArgs(model, "rev1", SidecarDefaults{}),
            (std::vector<std::string>{"--model-name=churn", "--model-uri=file:///m.json",
                                      "--runtime=xgboost", "--revision=rev1", "--port=8080",
                                      "--metrics-port=9090"}));
}

TEST(ContainsAllTest, IgnoresWhatTheServerAddsButNotWhatDiffers) {
  const Json desired = {{"spec", {{"replicas", 2}, {"ports", {{{"port", 80}}}}}}};
  EXPECT_TRUE(
      containsAll({{"spec", {{"replicas", 2}, {"ports", {{{"port", 80}, {"protocol", "TCP"}}}}}},
                   {"status", {{"x", 1}}}},
                  desired));
  EXPECT_FALSE(containsAll({{"spec", {{"replicas", 3}, {"ports", {{{"port", 80}}}}}}}, desired));
  EXPECT_FALSE(containsAll({{"spec", {{"replicas", 2}, {"ports", Json::array()}}}}, desired));
  EXPECT_FALSE(containsAll({{"spec", {{"replicas", 2}}}}, desired));
}

}  // namespace
}  // namespace aviary::controller
