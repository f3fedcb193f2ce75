#include "governance/card.h"

#include <gtest/gtest.h>

namespace aviary::governance {
namespace {

TEST(CardConfigMapNameTest, IsNameRevisionCard) {
  EXPECT_EQ(cardConfigMapName("churn", "1a2b3c4d5e"), "churn-1a2b3c4d5e-card");
}

TEST(CardConfigMapNameTest, CutsALongNameToKeepRevisionAndSuffixWithin253) {
  const auto name = cardConfigMapName(std::string(260, 'm'), "1a2b3c4d5e");
  EXPECT_EQ(name.size(), 253u);
  EXPECT_TRUE(name.ends_with("m-1a2b3c4d5e-card")) << name;
}

TEST(GatesOfTest, NamesEachMetricWithItsSourceAndThresholds) {
  api::AnalysisSpec analysis;
  analysis.metrics = {
      api::MetricSpec{.name = "p99",
                      .builtin = api::BuiltinMetric::kLatencyP99,
                      .prometheus = std::nullopt,
                      .min = std::nullopt,
                      .max = 50,
                      .group_by = std::nullopt,
                      .feature = std::nullopt},
      api::MetricSpec{.name = "orders",
                      .builtin = std::nullopt,
                      .prometheus = api::PrometheusQuery{"sum(x)", std::nullopt},
                      .min = 5,
                      .max = std::nullopt,
                      .group_by = std::nullopt,
                      .feature = std::nullopt},
  };
  const auto gates = gatesOf(analysis);
  ASSERT_EQ(gates.size(), 2u);
  EXPECT_EQ(gates[0], (GateSeries{"p99", "latencyP99", std::nullopt, 50, {}}));
  EXPECT_EQ(gates[1], (GateSeries{"orders", "prometheus", 5, std::nullopt, {}}));
}

}  // namespace
}  // namespace aviary::governance
