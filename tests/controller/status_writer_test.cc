#include "controller/status_writer.h"

#include <gtest/gtest.h>

#include "api/json.h"
#include "kube/resource.h"
#include "tests/fakes/fake_kube.h"

// writeStatus: a full PUT of the status with the resourceVersion read, only when it changed.
namespace aviary::controller {
namespace {

using kube::Json;
const auto kRef = kube::resources::kModelDeployments.in("ml").named("churn");

class StatusWriterTest : public ::testing::Test {
 protected:
  StatusWriterTest() {
    EXPECT_TRUE(kube_->create(kube::resources::kModelDeployments.in("ml"),
                              {{"apiVersion", "aviary.dev/v1alpha1"},
                               {"kind", "ModelDeployment"},
                               {"metadata", {{"name", "churn"}, {"namespace", "ml"}}},
                               {"spec", Json::object()}}));
  }
  Json read() { return *kube_->get(kRef); }

  std::shared_ptr<testing::FakeKube> kube_ = std::make_shared<testing::FakeKube>();
};

TEST_F(StatusWriterTest, WritesAChangedStatusAndNotAnUnchangedOne) {
  api::ModelDeploymentStatus status;
  status.phase = api::Phase::kSucceeded;
  status.stable_revision = "abc";
  ASSERT_EQ(writeStatus(*kube_, read(), status), StatusWrite::kWritten);
  EXPECT_EQ(*api::statusFromJson(read()["status"]), status);

  const auto writes = kube_->writes().size();
  ASSERT_EQ(writeStatus(*kube_, read(), status), StatusWrite::kUnchanged);
  EXPECT_EQ(kube_->writes().size(), writes);
}

TEST_F(StatusWriterTest, ClearsAConsumedRequest) {
  ASSERT_TRUE(kube_->patchStatus(kRef, kube::PatchType::kMerge,
                                 {{"status", {{"requests", {{"promote", "step"}}}}}}));
  api::ModelDeploymentStatus consumed;  // decide() acted on the request and dropped it
  ASSERT_EQ(writeStatus(*kube_, read(), consumed), StatusWrite::kWritten);
  EXPECT_FALSE(read()["status"].contains("requests"));
}

TEST_F(StatusWriterTest, AWriteSinceTheReadIsAConflict) {
  const Json stale = read();
  ASSERT_TRUE(kube_->patchStatus(kRef, kube::PatchType::kMerge,
                                 {{"status", {{"requests", {{"abort", true}}}}}}));
  api::ModelDeploymentStatus status;
  status.phase = api::Phase::kProgressing;
  const auto written = writeStatus(*kube_, stale, status);
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kConflict);
  EXPECT_EQ(read()["status"]["requests"]["abort"], true);  // the user's request survives
}

}  // namespace
}  // namespace aviary::controller
