#include "sidecar/fairness/disparate_impact.h"

#include <gtest/gtest.h>

#include <vector>

namespace aviary::sidecar::fairness {
namespace {

GroupRate rate(std::string group, double positive_rate) {
  return GroupRate{std::move(group), positive_rate, 100,
                   static_cast<std::size_t>(positive_rate * 100)};
}

TEST(ImpactRatiosTest, DividesEachRateByTheHighest) {
  const std::vector<GroupRate> rates = {rate("a", 0.5), rate("b", 0.25), rate("c", 0.4)};
  const auto ratios = impactRatios(rates);
  ASSERT_EQ(ratios.size(), 3u);
  EXPECT_EQ(ratios[0].group, "a");
  EXPECT_DOUBLE_EQ(ratios[0].ratio, 1.0);
  EXPECT_DOUBLE_EQ(ratios[1].ratio, 0.5);
  EXPECT_DOUBLE_EQ(ratios[2].ratio, 0.8);
  EXPECT_DOUBLE_EQ(*minImpactRatio(rates), 0.5);
}

TEST(ImpactRatiosTest, UndefinedWithoutGroupsOrPositives) {
  EXPECT_TRUE(impactRatios({}).empty());
  EXPECT_FALSE(minImpactRatio({}).has_value());
  const std::vector<GroupRate> none_positive = {rate("a", 0.0), rate("b", 0.0)};
  EXPECT_TRUE(impactRatios(none_positive).empty());
  EXPECT_FALSE(minImpactRatio(none_positive).has_value());
}

TEST(ImpactRatiosTest, OneGroupIsAtParityWithItself) {
  const std::vector<GroupRate> rates = {rate("a", 0.3)};
  EXPECT_DOUBLE_EQ(*minImpactRatio(rates), 1.0);
}

TEST(DisparateImpactTest, IsUnprivilegedOverPrivilegedRate) {
  const std::vector<GroupRate> rates = {rate("f", 0.3), rate("m", 0.4)};
  EXPECT_DOUBLE_EQ(*disparateImpact(rates, "f", "m"), 0.75);
  EXPECT_DOUBLE_EQ(*disparateImpact(rates, "m", "f"), 0.4 / 0.3);
  EXPECT_FALSE(disparateImpact(rates, "f", "x").has_value());
  const std::vector<GroupRate> privileged_never_positive = {rate("f", 0.3), rate("m", 0.0)};
  EXPECT_FALSE(disparateImpact(privileged_never_positive, "f", "m").has_value());
}

TEST(FourFifthsBandTest, AcceptsRatiosFromFourFifthsToFiveFourths) {
  struct Row {
    double ratio;
    bool within;
  };
  for (const Row& row :
       {Row{0.79, false}, Row{0.8, true}, Row{1.0, true}, Row{1.25, true}, Row{1.26, false}}) {
    EXPECT_EQ(withinFourFifthsBand(row.ratio), row.within) << row.ratio;
  }
}

}  // namespace
}  // namespace aviary::sidecar::fairness
