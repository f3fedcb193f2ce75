#include "controller/controller_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <string>

namespace aviary::controller {
namespace {

std::string exposition(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(ControllerMetricsTest, KubeRequestsAreCountedByVerbResourceAndCode) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.countKubeRequest(
      "PUT", "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/a/status", 200);
  metrics.countKubeRequest(
      "PUT", "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/b/status", 200);
  metrics.countKubeRequest("GET", "/apis/apps/v1/deployments?watch=true", 200);
  const std::string text = exposition(registry);
  EXPECT_NE(
      text.find("aviary_controller_kube_requests_total{code=\"200\",resource=\"modeldeployments."
                "aviary.dev/status\",verb=\"PUT\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("aviary_controller_kube_requests_total{code=\"200\",resource=\"deployments.apps\","
                "verb=\"WATCH\"} 1"),
      std::string::npos)
      << text;
}

TEST(ControllerMetricsTest, DroppedAuditRecordsAreCountedFromZero) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  EXPECT_NE(exposition(registry).find("aviary_controller_audit_dropped_total 0"),
            std::string::npos);
  metrics.countAuditDropped();
  metrics.countAuditDropped();
  EXPECT_NE(exposition(registry).find("aviary_controller_audit_dropped_total 2"),
            std::string::npos);
}

TEST(ControllerMetricsTest, EveryPhaseHasARolloutsSeries) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.setRollouts({{"Progressing", 3}});
  const std::string text = exposition(registry);
  EXPECT_NE(text.find("aviary_controller_rollouts{phase=\"Progressing\"} 3"), std::string::npos);
  EXPECT_NE(text.find("aviary_controller_rollouts{phase=\"Succeeded\"} 0"), std::string::npos);
}

}  // namespace
}  // namespace aviary::controller
