#include "controller/observe.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

// roleOf() reads a Deployment's counters conservatively: a pod counts for the template's revision
// only when the Deployment controller has seen the template, and never while old pods remain.
namespace aviary::controller {
namespace {

using kube::Json;

struct Counters {
  std::int64_t generation;
  std::optional<std::int64_t> observed;  // status.observedGeneration
  std::int64_t replicas;                 // spec.replicas
  std::int64_t total;                    // status.replicas
  std::int64_t updated;
  std::int64_t available;
};
constexpr Counters kSettled{2, 2, 3, 3, 3, 3};

Json deploymentWith(const Counters& c) {
  Json d = {{"metadata", {{"name", "churn-canary"}, {"generation", c.generation}}},
            {"spec",
             {{"replicas", c.replicas},
              {"template", {{"metadata", {{"labels", {{"aviary.dev/revision", "abc"}}}}}}}}},
            {"status",
             {{"replicas", c.total},
              {"updatedReplicas", c.updated},
              {"availableReplicas", c.available}}}};
  if (c.observed) d["status"]["observedGeneration"] = *c.observed;
  return d;
}

struct Row {
  std::string name;
  Counters counters;
  std::int32_t ready;
  bool current;  // observed_current
};

TEST(RoleOfTest, CountsOnlyUpdatedAvailablePodsOfASeenTemplate) {
  const Row rows[] = {
      // name, then {generation, observedGeneration, spec.replicas, status.replicas, updated,
      // available}, then the ready count and observed_current
      {"all updated and available", kSettled, 3, true},
      {"template not yet seen: nothing counts", {2, 1, 3, 3, 3, 3}, 0, false},
      {"no observedGeneration yet", {2, std::nullopt, 3, 3, 3, 3}, 0, false},
      {"rolling: old pods available, new not yet", {2, 2, 3, 5, 2, 3}, 0, true},
      {"surge: new pods ready, one old still there", {2, 2, 3, 4, 3, 4}, 2, true},
      {"some new pods not yet available", {2, 2, 3, 3, 3, 2}, 2, true},
      {"scaled to zero", {2, 2, 0, 0, 0, 0}, 0, true},
  };
  for (const Row& row : rows) {
    const Json d = deploymentWith(row.counters);
    const auto role = roleOf(&d);
    EXPECT_TRUE(role.exists) << row.name;
    EXPECT_EQ(role.revision, "abc") << row.name;
    EXPECT_EQ(role.replicas, row.counters.replicas) << row.name;
    EXPECT_EQ(role.ready_replicas, row.ready) << row.name;
    EXPECT_EQ(role.available_replicas, row.counters.available) << row.name;
    EXPECT_EQ(role.observed_current, row.current) << row.name;
  }
}

TEST(RoleOfTest, AbsentDeploymentDoesNotExist) {
  const auto role = roleOf(nullptr);
  EXPECT_FALSE(role.exists);
  EXPECT_EQ(role.ready_replicas, 0);
}

TEST(RoleOfTest, FreshDeploymentWithoutStatusHasNoReadyPods) {
  const Json d = {{"metadata", {{"generation", 1}}}, {"spec", {{"replicas", 2}}}};
  const auto role = roleOf(&d);
  EXPECT_TRUE(role.exists);
  EXPECT_EQ(role.revision, "");
  EXPECT_EQ(role.replicas, 2);
  EXPECT_EQ(role.ready_replicas, 0);
  EXPECT_EQ(role.available_replicas, 0);
  EXPECT_FALSE(role.observed_current);
}

TEST(ObserveTest, CarriesGenerationRevisionProblemsAndRoute) {
  const Json md = {{"metadata", {{"generation", 7}}}};
  const Json stable = deploymentWith(kSettled);
  const auto obs = observe({.md = &md,
                            .stable = &stable,
                            .canary = nullptr,
                            .route = router::RouteState{25, false},
                            .desired_revision = "def",
                            .spec_problems = {"spec.replicas: must be >= 1"}});
  EXPECT_EQ(obs.generation, 7);
  EXPECT_EQ(obs.desired_revision, "def");
  EXPECT_EQ(obs.spec_problems, std::vector<std::string>{"spec.replicas: must be >= 1"});
  EXPECT_EQ(obs.stable.ready_replicas, 3);
  EXPECT_FALSE(obs.canary.exists);
  EXPECT_EQ(obs.observed_weight, 25);
  EXPECT_EQ(obs.observed_mirror, false);
  EXPECT_FALSE(obs.analysis.has_value());
}

TEST(ObserveTest, UnreadableRouteIsUnknown) {
  const Json md = {{"metadata", {{"generation", 1}}}};
  ObservedWorld world;
  world.md = &md;
  const auto obs = observe(world);
  EXPECT_FALSE(obs.observed_weight.has_value());
  EXPECT_FALSE(obs.observed_mirror.has_value());
}

}  // namespace
}  // namespace aviary::controller
