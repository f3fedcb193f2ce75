// Checks the drift statistics against values scipy and numpy computed on the same data
// (tests/sidecar/testdata/make_drift_fixtures.py wrote the fixtures).
//
// Tolerances:
//   - KS statistic, bin edges, bin shares, PSI: 1e-12 absolute. Both sides do the same few IEEE
//     operations on the same numbers (the data lie on a 1/256 grid, exact in float and double);
//     only summation order can differ.
//   - exact KS p-value: 1e-12 relative. scipy and ks.cc compute the same exact quantity by
//     different recurrences (scipy scales path counts by binomials, ks.cc propagates probabilities
//     and sums only the mass that leaves the band); each step rounds once, so over n_a + n_b steps
//     the relative error stays near 1e-15 (measured: at most 5e-15 here), p-values of 1e-55
//     included. 1e-12 leaves room for other compilers' rounding.
//   - Kolmogorov's limiting survival function: 1e-14 absolute and 1e-12 relative against
//     scipy.special.kolmogorov.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sidecar/drift/drift_window.h"
#include "sidecar/drift/ks.h"
#include "sidecar/drift/profile_builder.h"

namespace aviary::sidecar::drift {
namespace {

constexpr double kExactTolerance = 1e-12;
constexpr double kPValueRelativeTolerance = 1e-12;

const nlohmann::json& fixtures() {
  static const nlohmann::json json = [] {
    std::ifstream file("tests/sidecar/testdata/drift_fixtures.json");
    return nlohmann::json::parse(file);
  }();
  return json;
}

std::vector<double> doubles(const nlohmann::json& json) { return json.get<std::vector<double>>(); }

void expectRelativelyNear(double got, double want, double relative, const std::string& what) {
  EXPECT_LE(std::fabs(got - want), relative * std::fabs(want) + 1e-300)
      << what << ": got " << got << ", want " << want;
}

TEST(DriftFixturesTest, FixturesArePresent) {
  ASSERT_TRUE(fixtures().contains("cases"));
  EXPECT_GE(fixtures()["cases"].size(), 10u);
}

TEST(DriftFixturesTest, ProfileMatchesNumpyQuantileBins) {
  for (const auto& c : fixtures()["cases"]) {
    const std::string name = c["name"];
    const auto reference = doubles(c["reference"]);
    ProfileOptions options;
    options.bins = c["bins"];
    options.sample_size = reference.size();
    auto feature = profileFeature(name, reference, options);
    ASSERT_TRUE(feature.has_value()) << name << ": " << feature.error().message;
    const auto want_edges = doubles(c["bin_edges"]);
    const auto want_shares = doubles(c["bin_frequencies"]);
    ASSERT_EQ(feature->bin_edges.size(), want_edges.size()) << name;
    for (std::size_t k = 0; k < want_edges.size(); ++k) {
      EXPECT_NEAR(feature->bin_edges[k], want_edges[k], kExactTolerance) << name << " edge " << k;
    }
    ASSERT_EQ(feature->bin_frequencies.size(), want_shares.size()) << name;
    for (std::size_t k = 0; k < want_shares.size(); ++k) {
      EXPECT_NEAR(feature->bin_frequencies[k], want_shares[k], kExactTolerance)
          << name << " bin " << k;
    }
    auto sorted = reference;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(feature->sample, sorted) << name << ": a small reference is kept whole";
  }
}

TEST(DriftFixturesTest, WindowMatchesScipyKsAndNumpyPsi) {
  for (const auto& c : fixtures()["cases"]) {
    const std::string name = c["name"];
    const auto reference = doubles(c["reference"]);
    const auto window = doubles(c["window"]);
    ProfileOptions options;
    options.bins = c["bins"];
    options.sample_size = reference.size();
    auto profile = buildProfile(NumericTable{{name}, {reference}}, options);
    ASSERT_TRUE(profile.has_value()) << name << ": " << profile.error().message;
    auto drift_window = DriftWindow::create(*profile, window.size());
    ASSERT_TRUE(drift_window.has_value());
    for (double value : window) {
      const float row[] = {static_cast<float>(value)};
      ASSERT_TRUE(drift_window->observe(row).has_value());
    }

    const auto drifts = drift_window->compute();
    ASSERT_EQ(drifts.size(), 1u) << name;
    const FeatureDrift& got = drifts[0];
    EXPECT_EQ(got.feature, name);
    EXPECT_EQ(got.samples, window.size()) << name;
    EXPECT_NEAR(got.ks_statistic, c["ks_statistic"].get<double>(), kExactTolerance) << name;
    EXPECT_TRUE(got.ks_p_value_exact) << name;
    expectRelativelyNear(got.ks_p_value, c["ks_pvalue_exact"].get<double>(),
                         kPValueRelativeTolerance, name + " p-value");
    EXPECT_NEAR(got.psi, c["psi"].get<double>(), kExactTolerance) << name;
  }
}

TEST(DriftFixturesTest, KolmogorovSurvivalMatchesScipy) {
  for (const auto& point : fixtures()["kolmogorov_survival"]) {
    const double x = point[0];
    const double want = point[1];
    const double got = kolmogorovSurvival(x);
    EXPECT_NEAR(got, want, 1e-14) << "x=" << x;
    expectRelativelyNear(got, want, 1e-12, "Q_KS(" + std::to_string(x) + ")");
  }
}

}  // namespace
}  // namespace aviary::sidecar::drift
