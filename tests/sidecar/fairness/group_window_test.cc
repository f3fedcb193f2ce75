#include "sidecar/fairness/group_window.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace aviary::sidecar::fairness {
namespace {

GroupWindow makeWindow(std::size_t capacity, double threshold = 0.5, std::size_t max_groups = 64) {
  auto window = GroupWindow::create({capacity, threshold, max_groups});
  EXPECT_TRUE(window.has_value());
  return std::move(*window);
}

struct Want {
  std::string group;
  std::size_t count;
  std::size_t positives;
};

void expectRates(const GroupWindow& window, const std::vector<Want>& want) {
  const auto rates = window.rates();
  ASSERT_EQ(rates.size(), want.size());
  for (std::size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(rates[k].group, want[k].group);
    EXPECT_EQ(rates[k].count, want[k].count) << want[k].group;
    EXPECT_EQ(rates[k].positives, want[k].positives) << want[k].group;
    EXPECT_DOUBLE_EQ(rates[k].positive_rate,
                     static_cast<double>(want[k].positives) / static_cast<double>(want[k].count))
        << want[k].group;
  }
}

TEST(GroupWindowTest, EmptyWindowHasNoRates) { EXPECT_TRUE(makeWindow(10).rates().empty()); }

TEST(GroupWindowTest, RejectsBadOptions) {
  EXPECT_FALSE(GroupWindow::create({0, 0.5, 8}).has_value());
  EXPECT_FALSE(GroupWindow::create({10, 0.5, 0}).has_value());
  EXPECT_FALSE(GroupWindow::create({10, std::nan(""), 8}).has_value());
}

TEST(GroupWindowTest, PositiveMeansPredictionAtOrAboveThreshold) {
  struct Row {
    double threshold;
    double prediction;
    bool positive;
  };
  const Row rows[] = {
      {0.5, 0.5, true},   {0.5, 0.4999, false}, {0.5, 1.0, true},   {0.5, 0.0, false},
      {0.7, 0.69, false}, {0.7, 0.7, true},     {0.0, -1.0, false}, {0.0, 0.0, true},
  };
  for (const auto& row : rows) {
    auto window = makeWindow(4, row.threshold);
    ASSERT_TRUE(window.observe("a", row.prediction).has_value());
    expectRates(window, {{"a", 1, row.positive ? 1u : 0u}});
  }
}

TEST(GroupWindowTest, OneGroupCountsPositives) {
  auto window = makeWindow(100);
  for (double prediction : {0.9, 0.1, 0.6, 0.2}) ASSERT_TRUE(window.observe("all", prediction));
  expectRates(window, {{"all", 4, 2}});
}

TEST(GroupWindowTest, ManyGroupsAreKeptApartAndSortedByName) {
  auto window = makeWindow(1000);
  const std::vector<std::string> groups = {"us", "eu", "apac", "latam", "mea"};
  // Group k gets 10 observations, the first 2k of them positive.
  for (std::size_t k = 0; k < groups.size(); ++k) {
    for (std::size_t i = 0; i < 10; ++i) {
      ASSERT_TRUE(window.observe(groups[k], i < 2 * k ? 1.0 : 0.0).has_value());
    }
  }
  expectRates(window,
              {{"apac", 10, 4}, {"eu", 10, 2}, {"latam", 10, 6}, {"mea", 10, 8}, {"us", 10, 0}});
}

TEST(GroupWindowTest, ForgetsTheOldestObservations) {
  auto window = makeWindow(3);
  ASSERT_TRUE(window.observe("a", 1.0));
  ASSERT_TRUE(window.observe("a", 1.0));
  ASSERT_TRUE(window.observe("b", 0.0));
  ASSERT_TRUE(window.observe("b", 1.0));  // evicts the first "a"
  expectRates(window, {{"a", 1, 1}, {"b", 2, 1}});
  ASSERT_TRUE(window.observe("b", 0.0));  // evicts the last "a": the group leaves
  expectRates(window, {{"b", 3, 1}});
  EXPECT_EQ(window.size(), 3u);
}

TEST(GroupWindowTest, BoundsTheNumberOfGroups) {
  auto window = makeWindow(4, 0.5, 2);
  ASSERT_TRUE(window.observe("a", 1.0));
  ASSERT_TRUE(window.observe("b", 1.0));
  auto third = window.observe("c", 1.0);
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().code, ErrorCode::kInvalidArgument);
  expectRates(window, {{"a", 1, 1}, {"b", 1, 1}});  // unchanged
}

TEST(GroupWindowTest, AdmitsANewGroupWhenEvictionFreesASlot) {
  auto window = makeWindow(2, 0.5, 2);
  ASSERT_TRUE(window.observe("a", 1.0));
  ASSERT_TRUE(window.observe("b", 0.0));
  ASSERT_TRUE(window.observe("c", 1.0).has_value());  // evicts "a", whose slot "c" takes
  expectRates(window, {{"b", 1, 0}, {"c", 1, 1}});
}

TEST(GroupWindowTest, RejectsNaNPredictions) {
  auto window = makeWindow(2);
  auto got = window.observe("a", std::nan(""));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(window.rates().empty());
}

TEST(GroupWindowTest, LongRunMatchesTheLastCapacityObservations) {
  constexpr std::size_t kCapacity = 50;
  auto window = makeWindow(kCapacity, 0.5, 3);
  std::vector<std::pair<std::string, bool>> all;
  for (std::size_t i = 0; i < 1000; ++i) {
    const std::string group = "g" + std::to_string((i * 7) % 3);
    const bool positive = (i * 13) % 5 < 2;
    ASSERT_TRUE(window.observe(group, positive ? 0.9 : 0.1));
    all.emplace_back(group, positive);
  }
  std::vector<Want> want = {{"g0", 0, 0}, {"g1", 0, 0}, {"g2", 0, 0}};
  for (std::size_t i = all.size() - kCapacity; i < all.size(); ++i) {
    Want& w = want[static_cast<std::size_t>(all[i].first[1] - '0')];
    ++w.count;
    if (all[i].second) ++w.positives;
  }
  expectRates(window, want);
}

}  // namespace
}  // namespace aviary::sidecar::fairness
