#include "sidecar/drift/profile_builder.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "sidecar/drift/psi.h"

namespace aviary::sidecar::drift {
namespace {

// numpy's _lerp: the form that is exact at whichever end t is closer to.
double lerp(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// numpy.quantile(sorted, p, method="linear").
double quantile(std::span<const double> sorted, double p) {
  const double h = static_cast<double>(sorted.size() - 1) * p;
  if (h >= static_cast<double>(sorted.size() - 1)) return sorted.back();
  if (h < 0.0) return sorted.front();
  const double below = std::floor(h);
  const auto k = static_cast<std::size_t>(below);
  return lerp(sorted[k], sorted[k + 1], h - below);
}

}  // namespace

Result<FeatureProfile> profileFeature(std::string name, std::span<const double> values,
                                      const ProfileOptions& options) {
  if (options.bins == 0) return fail(ErrorCode::kInvalidArgument, "bins must be at least 1");
  if (options.sample_size == 0)
    return fail(ErrorCode::kInvalidArgument, "sample size must be at least 1");
  FeatureProfile feature;
  feature.name = std::move(name);
  std::vector<double> sorted;
  sorted.reserve(values.size());
  std::mt19937_64 random(options.seed);
  for (double value : values) {
    if (std::isnan(value)) continue;
    if (!std::isfinite(value)) {
      return fail(ErrorCode::kInvalidArgument, "feature \"" + feature.name + "\": infinite value");
    }
    sorted.push_back(value);
    // Algorithm R: the i-th value (0-based) replaces a random slot with probability k / (i + 1).
    const std::size_t seen = sorted.size();
    if (seen <= options.sample_size) {
      feature.sample.push_back(value);
    } else if (const std::uint64_t slot = random() % seen; slot < options.sample_size) {
      feature.sample[slot] = value;
    }
  }
  if (sorted.empty())
    return fail(ErrorCode::kInvalidArgument, "feature \"" + feature.name + "\": no values");
  std::sort(sorted.begin(), sorted.end());
  std::sort(feature.sample.begin(), feature.sample.end());
  feature.count = sorted.size();

  for (std::size_t j = 1; j < options.bins; ++j) {
    const double edge =
        quantile(sorted, static_cast<double>(j) / static_cast<double>(options.bins));
    if (feature.bin_edges.empty() || edge > feature.bin_edges.back()) {
      feature.bin_edges.push_back(edge);
    }
  }
  std::vector<std::size_t> counts(feature.bin_edges.size() + 1, 0);
  for (double value : sorted) ++counts[binIndex(feature.bin_edges, value)];
  for (std::size_t count : counts) {
    feature.bin_frequencies.push_back(static_cast<double>(count) /
                                      static_cast<double>(sorted.size()));
  }
  return feature;
}

Result<ReferenceProfile> buildProfile(const NumericTable& table, const ProfileOptions& options) {
  std::vector<FeatureProfile> features;
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    AVIARY_ASSIGN_OR_RETURN(auto feature,
                            profileFeature(table.names[c], table.columns[c], options));
    features.push_back(std::move(feature));
  }
  return ReferenceProfile::create(std::move(features));
}

}  // namespace aviary::sidecar::drift
