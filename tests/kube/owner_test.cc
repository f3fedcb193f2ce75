#include "kube/owner.h"

#include <gtest/gtest.h>

namespace aviary::kube {
namespace {

const Json kOwner = {{"apiVersion", "aviary.dev/v1alpha1"},
                     {"kind", "ModelDeployment"},
                     {"metadata", {{"name", "churn"}, {"namespace", "ml"}, {"uid", "u1"}}}};

TEST(OwnerTest, SetsTheControllerReferenceOnce) {
  Json deployment = {{"metadata", {{"name", "churn-stable"}, {"namespace", "ml"}}}};
  ASSERT_TRUE(setControllerReference(deployment, kOwner).has_value());
  ASSERT_TRUE(setControllerReference(deployment, kOwner).has_value());
  const Json& references = deployment["metadata"]["ownerReferences"];
  ASSERT_EQ(references.size(), 1u);
  EXPECT_EQ(references[0]["kind"], "ModelDeployment");
  EXPECT_EQ(references[0]["apiVersion"], "aviary.dev/v1alpha1");
  EXPECT_EQ(references[0]["controller"], true);
  EXPECT_EQ(references[0]["blockOwnerDeletion"], true);
  EXPECT_TRUE(isOwnedBy(deployment, "u1"));
  EXPECT_EQ(controllerUid(deployment), "u1");
}

TEST(OwnerTest, RefusesToTakeOverAnotherControllersObject) {
  Json deployment = {
      {"metadata",
       {{"name", "x"}, {"ownerReferences", {{{"uid", "other"}, {"controller", true}}}}}}};
  auto status = setControllerReference(deployment, kOwner);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(isOwnedBy(deployment, "u1"));
}

TEST(FinalizerTest, AddAndRemoveReportWhetherAnythingChanged) {
  Json object = {{"metadata", {{"name", "x"}}}};
  EXPECT_TRUE(addFinalizer(object, "aviary.dev/cleanup"));
  EXPECT_FALSE(addFinalizer(object, "aviary.dev/cleanup"));
  EXPECT_TRUE(hasFinalizer(object, "aviary.dev/cleanup"));
  EXPECT_TRUE(removeFinalizer(object, "aviary.dev/cleanup"));
  EXPECT_FALSE(removeFinalizer(object, "aviary.dev/cleanup"));
  EXPECT_TRUE(object["metadata"]["finalizers"].empty());
  EXPECT_FALSE(isBeingDeleted(object));
  object["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(isBeingDeleted(object));
}

}  // namespace
}  // namespace aviary::kube
