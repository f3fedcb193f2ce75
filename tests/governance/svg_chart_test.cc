#include "governance/svg_chart.h"

#include <gtest/gtest.h>

#include "tests/governance/sample_card.h"

namespace aviary::governance {
namespace {

using testing::sampleCard;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

TEST(SvgChartTest, OnePointPerMeasuredRoundCarryingItsValue) {
  const auto svg = svgChart(sampleCard().gates[0]);
  EXPECT_EQ(count(svg, "<circle"), 3u) << "the NoData round has no point";
  EXPECT_NE(svg.find("data-value=\"41\""), std::string::npos);
  EXPECT_NE(svg.find("data-value=\"44.5\""), std::string::npos);
  EXPECT_NE(svg.find("data-value=\"38.25\""), std::string::npos);
  EXPECT_NE(svg.find("data-gate=\"latency-p99\""), std::string::npos);
}

TEST(SvgChartTest, ADashedLinePerThreshold) {
  const auto card = sampleCard();
  EXPECT_EQ(count(svgChart(card.gates[0]), "class=\"threshold\""), 1u);
  const auto both = svgChart(card.gates[1]);
  EXPECT_NE(both.find("data-threshold=\"min\" data-value=\"0\""), std::string::npos);
  EXPECT_NE(both.find("data-threshold=\"max\" data-value=\"2\""), std::string::npos);
}

TEST(SvgChartTest, AFailedRoundIsRed) {
  const auto svg = svgChart(sampleCard().gates[1]);
  EXPECT_NE(svg.find("data-value=\"3.5\" data-result=\"Fail\""), std::string::npos);
  EXPECT_NE(svg.find("fill=\"#c62828\"><title>2026-12-01T10:01:00Z: 3.5 (Fail)"),
            std::string::npos);
}

TEST(SvgChartTest, AGateWithoutDataSaysSo) {
  GateSeries empty{"drift", "featureDriftKS", std::nullopt, 0.1, {}};
  const auto svg = svgChart(empty);
  EXPECT_EQ(count(svg, "<circle"), 0u);
  EXPECT_NE(svg.find("no data"), std::string::npos);
}

TEST(SvgChartTest, EscapesTheGateName) {
  GateSeries gate{"a\"<b", "prometheus", 1, std::nullopt, {}};
  EXPECT_NE(svgChart(gate).find("data-gate=\"a&quot;&lt;b\""), std::string::npos);
}

}  // namespace
}  // namespace aviary::governance
