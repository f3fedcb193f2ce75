#include "sidecar/drift/drift_window.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "sidecar/drift/psi.h"

namespace aviary::sidecar::drift {
namespace {

// Two features: "x" with reference 0..9 and decile-like bins, "y" with reference {0, 1}.
ReferenceProfile twoFeatures() {
  FeatureProfile x{"x", 10, {2.5, 5.0, 7.5}, {0.3, 0.2, 0.3, 0.2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
  FeatureProfile y{"y", 2, {1.0}, {0.5, 0.5}, {0, 1}};
  auto profile = ReferenceProfile::create({x, y});
  EXPECT_TRUE(profile.has_value());
  return *profile;
}

DriftWindow makeWindow(std::size_t capacity) {
  auto window = DriftWindow::create(twoFeatures(), capacity);
  EXPECT_TRUE(window.has_value());
  return std::move(*window);
}

TEST(DriftWindowTest, EmptyWindowReportsNothing) { EXPECT_TRUE(makeWindow(5).compute().empty()); }

TEST(DriftWindowTest, RejectsZeroCapacity) {
  EXPECT_FALSE(DriftWindow::create(twoFeatures(), 0).has_value());
}

TEST(DriftWindowTest, RejectsRowsOfTheWrongWidthAndKeepsTheWindow) {
  auto window = makeWindow(5);
  for (const std::vector<float>& row :
       {std::vector<float>{}, std::vector<float>{1.0f}, std::vector<float>{1.0f, 2.0f, 3.0f}}) {
    auto got = window.observe(row);
    ASSERT_FALSE(got.has_value()) << row.size();
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(window.size(), 0u);
  EXPECT_TRUE(window.compute().empty());
}

TEST(DriftWindowTest, WindowLikeTheReferenceShowsNoDrift) {
  auto window = makeWindow(10);
  for (int v = 0; v < 10; ++v) {
    const float row[] = {static_cast<float>(v), static_cast<float>(v % 2)};
    ASSERT_TRUE(window.observe(row).has_value());
  }
  const auto drifts = window.compute();
  ASSERT_EQ(drifts.size(), 2u);
  for (const auto& drift : drifts) {
    EXPECT_EQ(drift.ks_statistic, 0.0) << drift.feature;
    EXPECT_EQ(drift.ks_p_value, 1.0) << drift.feature;
    EXPECT_NEAR(drift.psi, 0.0, 1e-15) << drift.feature;
    EXPECT_EQ(drift.samples, 10u);
  }
  EXPECT_EQ(drifts[0].feature, "x");
  EXPECT_EQ(drifts[1].feature, "y");
}

TEST(DriftWindowTest, ForgetsRowsOlderThanItsCapacity) {
  auto window = makeWindow(3);
  // Old rows far above the reference, then three rows inside it.
  for (float v : {100.0f, 100.0f, 100.0f, 1.0f, 4.0f, 8.0f}) {
    const float row[] = {v, 0.0f};
    ASSERT_TRUE(window.observe(row).has_value());
  }
  EXPECT_EQ(window.size(), 3u);
  const FeatureDrift x = window.compute()[0];
  EXPECT_EQ(x.samples, 3u);
  // Window {1, 4, 8} against 0..9 (with the old rows it would be 1): the ECDF gap is largest at 4,
  // 5/10 against 2/3.
  EXPECT_DOUBLE_EQ(x.ks_statistic, 2.0 / 3.0 - 5.0 / 10.0);
  const std::size_t counts[] = {1, 1, 0, 1};
  EXPECT_DOUBLE_EQ(x.psi,
                   populationStabilityIndex(std::vector<double>{0.3, 0.2, 0.3, 0.2}, counts));
}

TEST(DriftWindowTest, ShiftedWindowDrifts) {
  auto window = makeWindow(10);
  for (int v = 0; v < 10; ++v) {
    const float row[] = {static_cast<float>(v + 20), 1.0f};
    ASSERT_TRUE(window.observe(row).has_value());
  }
  const auto drifts = window.compute();
  EXPECT_EQ(drifts[0].ks_statistic, 1.0);
  EXPECT_NEAR(drifts[0].ks_p_value, 2.0 / 184756.0, 1e-18);  // 2 / C(20, 10)
  EXPECT_GE(drifts[0].psi, 0.25);
  EXPECT_EQ(drifts[1].ks_statistic, 0.5);
}

TEST(DriftWindowTest, SkipsMissingValuesPerFeature) {
  auto window = makeWindow(4);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int v = 0; v < 4; ++v) {
    const float row[] = {nan, v < 2 ? nan : 1.0f};
    ASSERT_TRUE(window.observe(row).has_value());
  }
  const auto drifts = window.compute();
  ASSERT_EQ(drifts.size(), 1u) << "x has no values, so no entry";
  EXPECT_EQ(drifts[0].feature, "y");
  EXPECT_EQ(drifts[0].samples, 2u);
}

}  // namespace
}  // namespace aviary::sidecar::drift
