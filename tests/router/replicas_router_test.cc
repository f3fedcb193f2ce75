#include "router/replicas_router.h"

#include <gtest/gtest.h>

namespace aviary::router {
namespace {

const RouteTarget kTarget{.ns = "ml",
                          .name = "churn",
                          .stable_service = "churn-stable",
                          .canary_service = "churn-canary",
                          .traffic = {}};

TEST(ReplicasRouterTest, ObservesNoWeightAndNoMirror) {
  ReplicasRouter router;
  auto state = router.observe(kTarget);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->weight, std::nullopt);
  EXPECT_EQ(state->mirror, false);
}

TEST(ReplicasRouterTest, AcceptsEveryWeightWithoutARouteToWrite) {
  ReplicasRouter router;
  for (std::int32_t weight : {0, 1, 50, 100}) {
    EXPECT_TRUE(router.setWeight(kTarget, weight).has_value()) << weight;
  }
  auto state = router.observe(kTarget);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->weight, std::nullopt);
}

TEST(ReplicasRouterTest, RefusesAWeightOutsideZeroToHundred) {
  ReplicasRouter router;
  for (std::int32_t weight : {-1, 101}) {
    auto status = router.setWeight(kTarget, weight);
    ASSERT_FALSE(status.has_value()) << weight;
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ReplicasRouterTest, CannotMirrorButCanStopMirroring) {
  ReplicasRouter router;
  auto on = router.setMirror(kTarget, true);
  ASSERT_FALSE(on.has_value());
  EXPECT_EQ(on.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(on.error().message.find("the replicas provider cannot mirror"), std::string::npos)
      << on.error().message;
  EXPECT_TRUE(router.setMirror(kTarget, false).has_value());
}

TEST(ReplicasRouterTest, FinalizeSucceeds) {
  ReplicasRouter router;
  EXPECT_TRUE(router.finalize(kTarget).has_value());
}

}  // namespace
}  // namespace aviary::router
