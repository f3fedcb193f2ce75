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
      [](auto& s) { s.model.provenance->dataset->sha256 = std::string(64, 'd'); },
      [](auto& s) { s.model.provenance->code_commit = "fedcba9"; },
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

// Provenance that does not describe the artifact is metadata: editing it must not start a rollout.
TEST(RevisionHashTest, IgnoresProvenanceThatDoesNotDescribeTheArtifact) {
  const auto base = fullSpec();
  const auto changes = std::vector<std::function<void(ModelDeploymentSpec&)>>{
      [](auto& s) { s.model.provenance->dataset->uri = "gs://moved/churn"; },
      [](auto& s) { s.model.provenance->training_run = "run-7"; },
      [](auto& s) { s.model.provenance->owner = "another-team"; },
      [](auto& s) { s.model.provenance->intended_use.reset(); },
      [](auto& s) { s.model.provenance->labels["tier"] = "gold"; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto changed = base;
    changes[i](changed);
    EXPECT_EQ(revisionHash(changed), revisionHash(base)) << "change " << i;
  }
}

// A spec without provenance hashes as it did before provenance existed, and so does one whose
// provenance holds only metadata: upgrading the controller or adding an owner restarts nothing.
TEST(RevisionHashTest, ProvenanceWithoutArtifactFieldsKeepsTheOldRevision) {
  ModelDeploymentSpec spec;
  spec.model.name = "churn";
  spec.model.uri = "file:///models/churn.json";
  spec.model.provenance = Provenance{};
  spec.model.provenance->owner = "risk";
  spec.model.provenance->dataset = DatasetRef{"s3://d", std::nullopt};
  EXPECT_EQ(revisionHash(spec), "22f323bdeb");
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
