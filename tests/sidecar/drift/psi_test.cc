#include "sidecar/drift/psi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace aviary::sidecar::drift {
namespace {

TEST(BinIndexTest, CountsTheEdgesAtOrBelowTheValue) {
  const std::vector<double> edges = {1.0, 2.0, 3.0};
  struct Row {
    double x;
    std::size_t bin;
  };
  for (const Row& row : {Row{-100, 0}, Row{0.99, 0}, Row{1.0, 1}, Row{1.5, 1}, Row{2.0, 2},
                         Row{3.0, 3}, Row{1e9, 3}}) {
    EXPECT_EQ(binIndex(edges, row.x), row.bin) << row.x;
  }
  EXPECT_EQ(binIndex({}, 5.0), 0u) << "no edges: one bin";
}

TEST(PsiTest, IsZeroForIdenticalShares) {
  const std::vector<double> expected = {0.25, 0.25, 0.5};
  const std::vector<std::size_t> counts = {10, 10, 20};
  EXPECT_DOUBLE_EQ(populationStabilityIndex(expected, counts), 0.0);
}

TEST(PsiTest, SumsTheTermsOfEachBin) {
  const std::vector<double> expected = {0.5, 0.5};
  const std::vector<std::size_t> counts = {3, 1};
  const double want = (0.75 - 0.5) * std::log(0.75 / 0.5) + (0.25 - 0.5) * std::log(0.25 / 0.5);
  EXPECT_DOUBLE_EQ(populationStabilityIndex(expected, counts), want);
}

TEST(PsiTest, EmptyBinsCountAtEpsilon) {
  const std::vector<double> expected = {0.0, 1.0};
  const std::vector<std::size_t> counts = {4, 0};
  const double want = (1.0 - kPsiEpsilon) * std::log(1.0 / kPsiEpsilon) +
                      (kPsiEpsilon - 1.0) * std::log(kPsiEpsilon / 1.0);
  EXPECT_DOUBLE_EQ(populationStabilityIndex(expected, counts), want);
  EXPECT_TRUE(std::isfinite(want));
}

}  // namespace
}  // namespace aviary::sidecar::drift
