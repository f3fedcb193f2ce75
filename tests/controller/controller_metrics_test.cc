#include "controller/controller_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <memory>
#include <string>
#include <vector>

namespace aviary::controller {
namespace {

using Json = nlohmann::json;

std::string scrape(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

bool has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

std::shared_ptr<const Json> md(const std::string& name, const std::string& phase, int weight) {
  return std::make_shared<const Json>(Json::parse(R"({
    "metadata": {"namespace": "ml", "name": ")" + name +
                                                  R"("},
    "spec": {"analysis": {"metrics": [{"name": "errorRate", "builtin": "errorRate", "max": 5},
                                      {"name": "agreement", "builtin": "shadowAgreement", "min": 0.9}]}},
    "status": {"phase": ")" + phase + R"(", "canaryWeight": )" +
                                                  std::to_string(weight) + R"(,
               "canaryRevision": "abc123",
               "analysis": [{"name": "errorRate", "value": 7.5, "result": "Fail"},
                            {"name": "agreement", "result": "NoData"}],
               "conditions": [{"type": "Stalled", "status": "False", "reason": "Progressing"},
                              {"type": "AnalysisNoData", "status": "True", "reason": "NoData"}]}
  })"));
}

TEST(ControllerMetricsTest, ExportsEachModelDeploymentsPhaseWeightConditionsAndGates) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.setRolloutsFrom({md("churn", "Progressing", 20)});
  const std::string text = scrape(registry);
  EXPECT_TRUE(
      has(text,
          R"(aviary_controller_rollout_phase{name="churn",namespace="ml",phase="Progressing"} 1)"))
      << text;
  EXPECT_TRUE(has(text, R"(aviary_controller_canary_weight{name="churn",namespace="ml"} 20)"));
  EXPECT_TRUE(has(
      text,
      R"(aviary_controller_rollout_condition{name="churn",namespace="ml",reason="NoData",status="True",type="AnalysisNoData"} 1)"));
  EXPECT_TRUE(has(
      text,
      R"(aviary_controller_analysis_value{metric="errorRate",name="churn",namespace="ml",revision="abc123"} 7.5)"));
  // A gate without a value (NoData) has no value series.
  EXPECT_EQ(text.find(R"(aviary_controller_analysis_value{metric="agreement")"), std::string::npos);
  EXPECT_TRUE(has(
      text,
      R"(aviary_controller_analysis_threshold{bound="max",metric="errorRate",name="churn",namespace="ml"} 5)"));
  EXPECT_TRUE(has(
      text,
      R"(aviary_controller_analysis_threshold{bound="min",metric="agreement",name="churn",namespace="ml"} 0.9)"));
  EXPECT_TRUE(has(text, R"(aviary_controller_rollouts{phase="Progressing"} 1)"));
  EXPECT_TRUE(has(text, R"(aviary_controller_rollouts{phase="Failed"} 0)"));
}

TEST(ControllerMetricsTest, DropsTheSeriesOfAPhaseLeftAndOfAModelDeploymentGone) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.setRolloutsFrom({md("churn", "Progressing", 20), md("fraud", "Paused", 50)});
  metrics.setRolloutsFrom({md("churn", "Failed", 0)});
  const std::string text = scrape(registry);
  EXPECT_TRUE(
      has(text, R"(aviary_controller_rollout_phase{name="churn",namespace="ml",phase="Failed"} 1)"))
      << text;
  EXPECT_EQ(text.find(R"(phase="Progressing"} 1)"), std::string::npos) << text;
  EXPECT_EQ(text.find(R"(name="fraud")"), std::string::npos) << text;
  EXPECT_TRUE(has(text, R"(aviary_controller_canary_weight{name="churn",namespace="ml"} 0)"));
}

TEST(ControllerMetricsTest, DropsGateValuesOncePromotedAsThereIsNoCanaryLeft) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.setRolloutsFrom({md("churn", "Paused", 50)});
  ASSERT_NE(scrape(registry).find("aviary_controller_analysis_value{"), std::string::npos);
  Json promoted = *md("churn", "Succeeded", 0);
  promoted["status"].erase("canaryRevision");
  metrics.setRolloutsFrom({std::make_shared<const Json>(promoted)});
  const std::string text = scrape(registry);
  EXPECT_EQ(text.find("aviary_controller_analysis_value{"), std::string::npos) << text;
  EXPECT_TRUE(has(
      text,
      R"(aviary_controller_analysis_threshold{bound="max",metric="errorRate",name="churn",namespace="ml"} 5)"));
}

TEST(ControllerMetricsTest, RollbackCountersStartAtZeroSoTheFirstRollbackIsAnIncrease) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  EXPECT_TRUE(
      has(scrape(registry), R"(aviary_controller_rollbacks_total{reason="FailedChecks"} 0)"));
  metrics.countOutcome({"abc123", api::Outcome::kRolledBack, "FailedChecks", {}});
  EXPECT_TRUE(
      has(scrape(registry), R"(aviary_controller_rollbacks_total{reason="FailedChecks"} 1)"));
}

TEST(ControllerMetricsTest, LeaderGaugeFollowsLeadership) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  EXPECT_TRUE(has(scrape(registry), "aviary_controller_leader 0"));
  metrics.setLeader(true);
  EXPECT_TRUE(has(scrape(registry), "aviary_controller_leader 1"));
  metrics.setLeader(false);
  EXPECT_TRUE(has(scrape(registry), "aviary_controller_leader 0"));
}

TEST(ControllerMetricsTest, KubeRequestsAreCountedByVerbResourceAndCode) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.countKubeRequest(
      "PUT", "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/a/status", 200);
  metrics.countKubeRequest(
      "PUT", "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/b/status", 200);
  metrics.countKubeRequest("GET", "/apis/apps/v1/deployments?watch=true", 200);
  const std::string text = scrape(registry);
  EXPECT_TRUE(has(text,
                  R"(aviary_controller_kube_requests_total{code="200",resource="modeldeployments.)"
                  R"(aviary.dev/status",verb="PUT"} 2)"))
      << text;
  EXPECT_TRUE(has(
      text,
      R"(aviary_controller_kube_requests_total{code="200",resource="deployments.apps",verb="WATCH"} 1)"))
      << text;
}

TEST(ControllerMetricsTest, DroppedAuditRecordsAreCountedFromZero) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  EXPECT_NE(scrape(registry).find("aviary_controller_audit_dropped_total 0"), std::string::npos);
  metrics.countAuditDropped();
  metrics.countAuditDropped();
  EXPECT_NE(scrape(registry).find("aviary_controller_audit_dropped_total 2"), std::string::npos);
}

}  // namespace
}  // namespace aviary::controller
