#include "rollout/replicas.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aviary::rollout {
namespace {

api::ModelDeploymentSpec specFor(api::TrafficProvider provider, api::CanaryScale scale,
                                 std::int32_t replicas) {
  api::ModelDeploymentSpec spec;
  spec.replicas = replicas;
  spec.traffic.provider = provider;
  spec.strategy.canary_scale = scale;
  return spec;
}

constexpr auto kMesh = api::TrafficProvider::kGatewayApi;
constexpr auto kReplicas = api::TrafficProvider::kReplicas;
constexpr auto kFull = api::CanaryScale::kFull;
constexpr auto kMatch = api::CanaryScale::kMatchTrafficWeight;

struct Row {
  std::string name;
  api::TrafficProvider provider;
  api::CanaryScale scale;
  std::int32_t replicas;
  std::int32_t weight;
  std::int32_t want_canary;
  std::int32_t want_stable;
};

TEST(ReplicasTest, EachRoleRunsItsShareOfTheWeight) {
  const std::vector<Row> rows = {
      // A mesh under canaryScale full: both roles run everything, whatever the weight.
      {"MeshFullAtZero", kMesh, kFull, 4, 0, 4, 4},
      {"MeshFullAtTen", kMesh, kFull, 4, 10, 4, 4},
      {"MeshFullAtHundred", kMesh, kFull, 4, 100, 4, 4},
      // matchTrafficWeight: the canary runs ceil(R*w/100), at least one, at most R; the stable
      // keeps R so that a rollback never waits for it.
      {"MatchAtZeroRunsOnePodToBeReadyBeforeTraffic", kMesh, kMatch, 10, 0, 1, 10},
      {"MatchAtOnePercentRoundsUp", kMesh, kMatch, 10, 1, 1, 10},
      {"MatchAtTen", kMesh, kMatch, 10, 10, 1, 10},
      {"MatchAtFifteenRoundsUp", kMesh, kMatch, 10, 15, 2, 10},
      {"MatchAtFifty", kMesh, kMatch, 10, 50, 5, 10},
      {"MatchAtHundredRunsEverything", kMesh, kMatch, 10, 100, 10, 10},
      {"MatchWithOneReplica", kMesh, kMatch, 1, 10, 1, 1},
      {"MatchWithThreeReplicasAtThirtyThree", kMesh, kMatch, 3, 33, 1, 3},
      {"MatchWithThreeReplicasAtThirtyFour", kMesh, kMatch, 3, 34, 2, 3},
      {"MatchClampsAWeightAboveHundred", kMesh, kMatch, 10, 140, 10, 10},
      {"MatchClampsANegativeWeight", kMesh, kMatch, 10, -5, 1, 10},
      {"MatchWithNoReplicasStillRunsOne", kMesh, kMatch, 0, 50, 1, 1},
      // The replicas provider: the pods are the weight, canaryScale does not apply.
      {"ReplicasAtZeroRunsNoCanaryPod", kReplicas, kFull, 4, 0, 0, 4},
      {"ReplicasIgnoresFull", kReplicas, kFull, 4, 10, 1, 3},
      {"ReplicasIgnoresMatch", kReplicas, kMatch, 4, 10, 1, 3},
      {"ReplicasAtFifty", kReplicas, kFull, 4, 50, 2, 2},
      {"ReplicasAtHundredKeepsOneStablePod", kReplicas, kFull, 4, 100, 4, 1},
      {"ReplicasWithOneReplicaSplitsOneEach", kReplicas, kFull, 1, 10, 1, 1},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const auto spec = specFor(row.provider, row.scale, row.replicas);
    EXPECT_EQ(canaryReplicas(spec, row.weight), row.want_canary);
    EXPECT_EQ(stableReplicas(spec, row.weight), row.want_stable);
  }
}

TEST(ReplicasTest, ShadowStageRunsEveryReplicaWhateverTheScale) {
  EXPECT_EQ(shadowCanaryReplicas(specFor(kMesh, kFull, 4)), 4);
  EXPECT_EQ(shadowCanaryReplicas(specFor(kMesh, kMatch, 4)), 4);
}

TEST(ReplicasTest, OnlyAMeshUnderFullScaleKeepsTheCanaryAtEveryReplica) {
  EXPECT_FALSE(canaryScalesWithWeight(specFor(kMesh, kFull, 4)));
  EXPECT_TRUE(canaryScalesWithWeight(specFor(kMesh, kMatch, 4)));
  EXPECT_TRUE(canaryScalesWithWeight(specFor(api::TrafficProvider::kIstio, kMatch, 4)));
  EXPECT_TRUE(canaryScalesWithWeight(specFor(kReplicas, kFull, 4)));
  EXPECT_TRUE(canaryScalesWithWeight(specFor(kReplicas, kMatch, 4)));
}

}  // namespace
}  // namespace aviary::rollout
