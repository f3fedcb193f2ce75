#include "api/json.h"

#include <gtest/gtest.h>

#include "tests/api/full_objects.h"

namespace aviary::api {
namespace {

using nlohmann::json;
using testing::fullSpec;
using testing::fullStatus;

TEST(SpecJsonTest, RoundTripsEveryField) {
  const auto spec = fullSpec();
  auto back = specFromJson(toJson(spec));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, spec);
}

TEST(SpecJsonTest, AbsentFieldsTakeTheirDefaults) {
  auto spec = specFromJson(json::parse(R"({"model": {"name": "churn", "uri": "file:///m.json"}})"));
  ASSERT_TRUE(spec.has_value()) << spec.error().message;
  EXPECT_EQ(spec->model.runtime, "xgboost");
  EXPECT_EQ(spec->replicas, 1);
  EXPECT_EQ(spec->traffic.provider, TrafficProvider::kReplicas);
  EXPECT_EQ(spec->analysis.interval, std::chrono::seconds(30));
  EXPECT_EQ(spec->analysis.failure_limit, 2);
  EXPECT_EQ(spec->analysis.no_data, NoDataPolicy::kHold);
  EXPECT_EQ(spec->progress_deadline_seconds, 600);
  EXPECT_EQ(spec->strategy.steps.size(), 4u) << "empty steps take the default canary";
  EXPECT_EQ(spec->strategy.canary_scale, CanaryScale::kFull);
  EXPECT_EQ(spec->pod_template, json::object());
}

TEST(SpecJsonTest, ParseListsEveryTypeProblemWithItsPath) {
  const auto parsed = parseSpec(json::parse(R"({
    "model": {"name": 7, "uri": "file:///m.json"},
    "replicas": "three",
    "traffic": {"provider": "linkerd"},
    "strategy": {"steps": [{"setWeight": 10}, {"setWeight": 2.5}, "pause"],
                 "canaryScale": "weighted"},
    "analysis": {"interval": "soon", "metrics": [{"name": "x", "max": "high"}]}
  })"));
  std::vector<std::string> got;
  for (const auto& error : parsed.errors) got.push_back(error.toString());
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "spec.model.name: must be a string, got integer",
                "spec.replicas: must be an integer, got string",
                "spec.traffic.provider: must be one of replicas, gatewayAPI, istio, nginx, got "
                "\"linkerd\"",
                "spec.strategy.steps[1].setWeight: must be an integer, got number",
                "spec.strategy.steps[2]: must be an object, got string",
                "spec.strategy.canaryScale: must be one of full, matchTrafficWeight, got "
                "\"weighted\"",
                "spec.analysis.interval: \"soon\" is not a duration (expected e.g. 30s, 5m, "
                "1h30m)",
                "spec.analysis.metrics[0].max: must be a number, got string",
            }));
}

TEST(SpecJsonTest, ProvenanceReadsWithCrdNamesAndReportsTypeProblemsWithPaths) {
  const auto parsed = parseSpec(json::parse(R"({
    "model": {"name": "churn", "uri": "file:///m.json", "provenance": {
      "dataset": {"sha256": 5}, "codeCommit": "abcdef1", "owner": "risk",
      "labels": {"team": "risk", "tier": 2}}}
  })"));
  std::vector<std::string> got;
  for (const auto& error : parsed.errors) got.push_back(error.toString());
  EXPECT_EQ(got, (std::vector<std::string>{
                     "spec.model.provenance.dataset.uri: is required",
                     "spec.model.provenance.dataset.sha256: must be a string, got integer",
                     "spec.model.provenance.labels: value of \"tier\" must be a string",
                 }));
  ASSERT_TRUE(parsed.spec.model.provenance.has_value());
  EXPECT_EQ(parsed.spec.model.provenance->code_commit, "abcdef1");
  EXPECT_EQ(parsed.spec.model.provenance->owner, "risk");
  EXPECT_EQ(parsed.spec.model.provenance->labels,
            (std::map<std::string, std::string>{{"team", "risk"}}));
}

TEST(SpecJsonTest, SpecFromJsonJoinsParseAndValidationProblemsOnce) {
  auto spec = specFromJson(json::parse(R"({
    "model": {"uri": "s3://bucket/m.json"},
    "strategy": {"steps": [{"setWeight": 140}]}
  })"));
  ASSERT_FALSE(spec.has_value());
  EXPECT_EQ(spec.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      spec.error().message,
      "spec.model.name: is required; "
      "spec.model.uri: must start with file://, http:// or https://, got \"s3://bucket/m.json\"; "
      "spec.strategy.steps[0].setWeight: must be 0..100, got 140");
}

TEST(SpecJsonTest, ANonObjectSpecIsOneClearProblem) {
  auto spec = specFromJson(json::array());
  ASSERT_FALSE(spec.has_value());
  EXPECT_NE(spec.error().message.find("spec: must be an object, got array"), std::string::npos);
}

TEST(StatusJsonTest, RoundTripsEveryField) {
  const auto status = fullStatus();
  auto back = statusFromJson(toJson(status));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, status);
}

TEST(StatusJsonTest, ObservedGenerationIsAnIntegerForKstatus) {
  const auto out = toJson(fullStatus());
  EXPECT_TRUE(out.at("observedGeneration").is_number_integer());
  EXPECT_TRUE(out.at("conditions")[0].at("observedGeneration").is_number_integer());
}

TEST(StatusJsonTest, ANewObjectWithoutStatusReadsAsInitializing) {
  auto status = statusFromJson(json());
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->phase, Phase::kInitializing);
  EXPECT_TRUE(status->conditions.empty());
}

TEST(StatusJsonTest, AMalformedUserRequestIsReportedNotGuessed) {
  auto status = statusFromJson(json::parse(R"({"requests": {"promote": "everything"}})"));
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().message,
            "status.requests.promote: must be one of step, full, got \"everything\"");
}

}  // namespace
}  // namespace aviary::api
