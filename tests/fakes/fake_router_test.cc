#include "tests/fakes/fake_router.h"

#include <gtest/gtest.h>

namespace aviary::testing {
namespace {

router::RouteTarget target(const std::string& ns, const std::string& name) {
  return {.ns = ns,
          .name = name,
          .stable_service = name + "-stable",
          .canary_service = name + "-canary",
          .traffic = {}};
}

TEST(FakeRouterTest, RemembersWeightAndMirrorPerTarget) {
  FakeRouter router;
  ASSERT_TRUE(router.setWeight(target("ml", "churn"), 20).has_value());
  ASSERT_TRUE(router.setMirror(target("ml", "churn"), true).has_value());
  ASSERT_TRUE(router.setWeight(target("ml", "fraud"), 50).has_value());

  auto churn = router.observe(target("ml", "churn"));
  ASSERT_TRUE(churn.has_value());
  EXPECT_EQ(churn->weight, 20);
  EXPECT_EQ(churn->mirror, true);
  EXPECT_EQ(router.state("ml/fraud").weight, 50);
  EXPECT_EQ(router.state("ml/fraud").mirror, false);
  EXPECT_EQ(router.state("other/churn").weight, 0);
}

TEST(FakeRouterTest, FailsTheNextCallOfAVerbOnce) {
  FakeRouter router;
  router.failNext("setWeight", Error{ErrorCode::kUnavailable, "api server down"});
  auto failed = router.setWeight(target("ml", "churn"), 20);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(router.state("ml/churn").weight, 0);
  EXPECT_TRUE(router.setWeight(target("ml", "churn"), 20).has_value());
  EXPECT_EQ(router.state("ml/churn").weight, 20);
}

TEST(FakeRouterTest, FinalizeGivesEverythingBackToStable) {
  FakeRouter router;
  ASSERT_TRUE(router.setWeight(target("ml", "churn"), 40).has_value());
  ASSERT_TRUE(router.setMirror(target("ml", "churn"), true).has_value());
  ASSERT_TRUE(router.finalize(target("ml", "churn")).has_value());
  EXPECT_EQ(router.state("ml/churn").weight, 0);
  EXPECT_EQ(router.state("ml/churn").mirror, false);
  EXPECT_EQ(router.finalized(), std::vector<std::string>{"ml/churn"});
}

}  // namespace
}  // namespace aviary::testing
