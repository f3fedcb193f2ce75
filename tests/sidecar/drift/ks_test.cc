#include "sidecar/drift/ks.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace aviary::sidecar::drift {
namespace {

TEST(KsStatisticTest, IsTheLargestGapBetweenEmpiricalCdfs) {
  struct Row {
    std::vector<double> a;
    std::vector<double> b;
    double want;
  };
  const Row rows[] = {
      {{1, 2, 3}, {1, 2, 3}, 0.0},
      {{1, 2, 3}, {4, 5}, 1.0},
      {{1, 2, 3, 4}, {3, 4, 5, 6}, 0.5},
      // Ties across samples are stepped over together (searchsorted side="right").
      {{1, 1, 2, 2}, {1, 2, 2, 2}, 0.25},
      {{0}, {0, 0, 1}, 1.0 / 3.0},
  };
  for (const auto& row : rows) {
    EXPECT_DOUBLE_EQ(ksStatistic(row.a, row.b), row.want);
    EXPECT_DOUBLE_EQ(ksStatistic(row.b, row.a), row.want);
  }
}

TEST(KsPValueTest, ExactValuesForSmallSamples) {
  // By enumeration: for n_a = n_b = 2 the 6 interleavings give D = 1 for 2 of them (aabb, bbaa).
  EXPECT_NEAR(ksExactPValue(2, 2, 1.0), 2.0 / 6.0, 1e-15);
  EXPECT_NEAR(ksExactPValue(2, 2, 0.5), 1.0, 1e-15);
  // n_a = 1, n_b = 3: D = 1 when the single a is first or last (2 of 4 interleavings).
  EXPECT_NEAR(ksExactPValue(1, 3, 1.0), 0.5, 1e-15);
  EXPECT_NEAR(ksExactPValue(3, 1, 1.0), 0.5, 1e-15);
  // Complete separation of n and n values: 2 / C(2n, n).
  EXPECT_NEAR(ksExactPValue(10, 10, 1.0), 2.0 / 184756.0, 1e-18);
}

TEST(KsPValueTest, ZeroStatisticHasPValueOne) {
  const KsPValue p = ksPValue(100, 50, 0.0);
  EXPECT_EQ(p.value, 1.0);
  EXPECT_TRUE(p.exact);
}

TEST(KsPValueTest, FallsBackToTheLimitingDistributionBeyondTheBudget) {
  const double d = 0.05;
  const KsPValue exact = ksPValue(1000, 1000, d);
  EXPECT_TRUE(exact.exact);
  const KsPValue limit = ksPValue(1000, 1000, d, /*max_exact_cells=*/0);
  EXPECT_FALSE(limit.exact);
  EXPECT_DOUBLE_EQ(limit.value, kolmogorovSurvival(std::sqrt(500.0) * d));
}

// The claim in ks.h: near p = 0.05 the limiting value is conservative by at most about 0.004.
TEST(KsPValueTest, LimitingDistributionIsSlightlyConservativeNearFivePercent) {
  struct Row {
    std::size_t n_a;
    std::size_t n_b;
  };
  for (const Row& row : {Row{1000, 1000}, Row{1000, 2000}, Row{2000, 2000}, Row{1000, 5000}}) {
    const double a = static_cast<double>(row.n_a);
    const double b = static_cast<double>(row.n_b);
    const double en = a * b / (a + b);
    // The lattice value of D nearest Q_KS^-1(0.05) = 1.3581 / sqrt(en).
    const double d = std::round(1.3581 / std::sqrt(en) * a * b) / (a * b);
    const double exact = ksExactPValue(row.n_a, row.n_b, d);
    const double limit = kolmogorovSurvival(std::sqrt(en) * d);
    EXPECT_GE(limit, exact) << row.n_a << "x" << row.n_b;
    EXPECT_LE(limit - exact, 0.004) << row.n_a << "x" << row.n_b;
  }
}

TEST(KolmogorovSurvivalTest, KnownPoints) {
  EXPECT_EQ(kolmogorovSurvival(0.0), 1.0);
  EXPECT_EQ(kolmogorovSurvival(-1.0), 1.0);
  EXPECT_NEAR(kolmogorovSurvival(1.3581), 0.05, 1e-4);  // the classic 5% critical value
  EXPECT_NEAR(kolmogorovSurvival(1.6276), 0.01, 1e-4);
  EXPECT_LT(kolmogorovSurvival(10.0), 1e-80);
}

}  // namespace
}  // namespace aviary::sidecar::drift
