#include "cli/deployment.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace aviary::cli {
namespace {

using nlohmann::json;

TEST(DeploymentViewTest, ReadsMetadataSpecAndStatus) {
  const auto view = deploymentView(json::parse(R"({
    "metadata": {"name": "churn", "namespace": "ml", "generation": 4, "resourceVersion": "17",
                 "creationTimestamp": "2026-12-01T10:00:00Z"},
    "spec": {"model": {"name": "churn", "version": "2", "uri": "file:///m"}},
    "status": {"phase": "Paused", "observedGeneration": 3, "canaryRevision": "b", "currentStep": 1}
  })"));
  EXPECT_EQ(view.name, "churn");
  EXPECT_EQ(view.ns, "ml");
  EXPECT_EQ(view.generation, 4);
  EXPECT_EQ(view.resource_version, "17");
  EXPECT_EQ(view.created, *parseRfc3339("2026-12-01T10:00:00Z"));
  EXPECT_EQ(view.spec.model.version, "2");
  EXPECT_FALSE(view.spec.strategy.steps.empty()) << "the default steps are filled in";
  EXPECT_TRUE(view.has_status);
  EXPECT_EQ(view.status.phase, api::Phase::kPaused);
  EXPECT_FALSE(view.observed()) << "generation 4 is newer than the observed 3";
  EXPECT_TRUE(view.rolling());
}

TEST(DeploymentViewTest, WithoutStatusNothingIsObservedOrRolling) {
  const auto view = deploymentView(json::parse(R"({"metadata": {"name": "new"}, "spec": {}})"));
  EXPECT_FALSE(view.has_status);
  EXPECT_FALSE(view.observed());
  EXPECT_FALSE(view.rolling());
  EXPECT_EQ(view.condition("Ready"), nullptr);
}

TEST(DeploymentViewTest, AStatusThatDoesNotReadIsNamed) {
  const auto view = deploymentView(json::parse(R"({
    "metadata": {"name": "odd"}, "status": {"phase": "Progressing", "requests": {"abort": "yes"}}
  })"));
  EXPECT_FALSE(view.has_status);
  EXPECT_NE(view.status_problem.find("requests.abort"), std::string::npos) << view.status_problem;
}

TEST(EventLinesTest, ReadsCoreAndSeriesEventsOldestFirst) {
  const auto lines = eventLines(json::parse(R"({"items": [
    {"type": "Warning", "reason": "AnalysisFailed", "message": "failed\ncheck",
     "series": {"count": 4, "lastObservedTime": "2026-12-01T10:00:09.500000Z"},
     "eventTime": "2026-12-01T10:00:01.000000Z"},
    {"type": "Normal", "reason": "Promoted", "message": "ok", "count": 1,
     "lastTimestamp": "2026-12-01T10:00:05Z"},
    "not an event"
  ]})"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].reason, "Promoted");
  EXPECT_EQ(lines[1].reason, "AnalysisFailed");
  EXPECT_EQ(lines[1].message, "failed check");
  EXPECT_EQ(lines[1].count, 4);
  EXPECT_EQ(lines[1].at, *parseRfc3339("2026-12-01T10:00:09.500Z"));
}

}  // namespace
}  // namespace aviary::cli
