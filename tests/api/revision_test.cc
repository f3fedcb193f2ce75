#include "api/revision.h"

#include <gtest/gtest.h>

#include "tests/api/full_objects.h"

namespace aviary::api {
namespace {

using testing::fullSpec;

TEST(RevisionHashTest, IsTenLowercaseHexDigits) {
  const auto hash = revisionHash(fullSpec());
  ASSERT_EQ(hash.size(), 10u);
  for (char c : hash) EXPECT_TRUE(std::isxdigit(c) && !std::isupper(c)) << hash;
}

TEST(RevisionHashTest, IsStableAcrossProcessesAndReleases) {
  // A changed value here means every running rollout would restart after an upgrade.
  ModelDeploymentSpec spec;
  spec.model.name = "churn";
  spec.model.uri = "file:///models/churn.json";
  EXPECT_EQ(revisionHash(spec), revisionHash(spec));
  EXPECT_EQ(revisionHash(spec), "22f323bdeb");
}

TEST(RevisionHashTest, ChangesWithTheModelOrThePodTemplate) {
  const auto base = fullSpec();
  const auto changes = std::vector<std::function<void(ModelDeploymentSpec&)>>{
      [](auto& s) { s.model.version = "2026-11-21"; },
      [](auto& s) { s.model.uri = "file:///other.json"; },
      [](auto& s) { s.model.sha256 = std::string(64, 'b'); },
      [](auto& s) { s.model.reference.reset(); },
      [](auto& s) { s.pod_template["spec"]["nodeSelector"]["pool"] = "gpu"; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto changed = base;
    changes[i](changed);
    EXPECT_NE(revisionHash(changed), revisionHash(base)) << "change " << i;
  }
}

TEST(RevisionHashTest, IgnoresEverythingElse) {
  const auto base = fullSpec();
  auto changed = base;
  changed.replicas = 7;
  changed.strategy.steps.clear();
  changed.analysis.failure_limit = 9;
  changed.traffic.provider = TrafficProvider::kReplicas;
  changed.progress_deadline_seconds = 60;
  EXPECT_EQ(revisionHash(changed), revisionHash(base));
}

TEST(RevisionHashTest, ChangesWithWhatTheControllerAddsToEveryPod) {
  const auto spec = fullSpec();
  const nlohmann::json sidecar = {{"image", "aviary-sidecar:1.0"}};
  const nlohmann::json upgraded = {{"image", "aviary-sidecar:1.1"}};
  EXPECT_NE(revisionHash(spec, sidecar), revisionHash(spec));
  EXPECT_NE(revisionHash(spec, upgraded), revisionHash(spec, sidecar));
  EXPECT_EQ(revisionHash(spec, sidecar), revisionHash(spec, nlohmann::json(sidecar)));
}

}  // namespace
}  // namespace aviary::api
