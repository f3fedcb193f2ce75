#include "sidecar/drift/profile_builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace aviary::sidecar::drift {
namespace {

std::vector<double> range(int n) {
  std::vector<double> values(static_cast<std::size_t>(n));
  std::iota(values.begin(), values.end(), 0.0);
  return values;
}

TEST(ProfileFeatureTest, QuantileEdgesAndShares) {
  // 0..9 in quartiles: numpy.quantile gives 2.25, 4.5, 6.75.
  auto feature = profileFeature("x", range(10), {.bins = 4, .sample_size = 100, .seed = 0});
  ASSERT_TRUE(feature.has_value()) << feature.error().message;
  EXPECT_EQ(feature->bin_edges, (std::vector<double>{2.25, 4.5, 6.75}));
  EXPECT_EQ(feature->bin_frequencies, (std::vector<double>{0.3, 0.2, 0.2, 0.3}));
  EXPECT_EQ(feature->count, 10u);
  EXPECT_EQ(feature->sample, range(10));
}

TEST(ProfileFeatureTest, MergesEqualEdgesOfFewDistinctValues) {
  const std::vector<double> values = {0, 0, 0, 0, 0, 0, 1, 1};
  auto feature = profileFeature("flag", values, {.bins = 4, .sample_size = 100, .seed = 0});
  ASSERT_TRUE(feature.has_value());
  // Quartiles 0.25 and 0.5 are both 0 (merged); 0.75 interpolates between 0 and 1 to 0.25, as
  // numpy's does.
  EXPECT_EQ(feature->bin_edges, (std::vector<double>{0.0, 0.25}));
  EXPECT_EQ(feature->bin_frequencies, (std::vector<double>{0.0, 0.75, 0.25}));
}

TEST(ProfileFeatureTest, SkipsMissingAndRejectsInfiniteOrEmpty) {
  const double nan = std::nan("");
  auto feature = profileFeature("x", std::vector<double>{nan, 1, nan, 2}, {});
  ASSERT_TRUE(feature.has_value());
  EXPECT_EQ(feature->count, 2u);
  EXPECT_FALSE(profileFeature("x", std::vector<double>{1, INFINITY}, {}).has_value());
  EXPECT_FALSE(profileFeature("x", std::vector<double>{nan}, {}).has_value());
  EXPECT_FALSE(profileFeature("x", range(3), {.bins = 0, .sample_size = 10, .seed = 0}));
  EXPECT_FALSE(profileFeature("x", range(3), {.bins = 2, .sample_size = 0, .seed = 0}));
}

TEST(ProfileFeatureTest, SamplesWithoutReplacementReproducibly) {
  const auto values = range(10000);
  const ProfileOptions options{.bins = 10, .sample_size = 500, .seed = 42};
  auto first = profileFeature("x", values, options);
  auto second = profileFeature("x", values, options);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sample, second->sample);
  ASSERT_EQ(first->sample.size(), 500u);
  EXPECT_TRUE(std::is_sorted(first->sample.begin(), first->sample.end()));
  EXPECT_EQ(std::adjacent_find(first->sample.begin(), first->sample.end()), first->sample.end())
      << "distinct inputs give distinct sample values";
  // A uniform sample of 0..9999 has mean near 5000 (standard error about 130).
  const double mean = std::accumulate(first->sample.begin(), first->sample.end(), 0.0) / 500.0;
  EXPECT_NEAR(mean, 4999.5, 600.0);
  auto other_seed = profileFeature("x", values, {.bins = 10, .sample_size = 500, .seed = 7});
  EXPECT_NE(other_seed->sample, first->sample);
}

TEST(BuildProfileTest, ProfilesEveryColumnInOrder) {
  auto profile = buildProfile(NumericTable{{"b", "a"}, {range(5), range(3)}}, {});
  ASSERT_TRUE(profile.has_value()) << profile.error().message;
  ASSERT_EQ(profile->width(), 2u);
  EXPECT_EQ(profile->features()[0].name, "b");
  EXPECT_EQ(profile->features()[1].count, 3u);
}

}  // namespace
}  // namespace aviary::sidecar::drift
