#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar::drift {

// What the training data looked like for one input feature (README.md has the JSON shape).
struct FeatureProfile {
  std::string name;
  // Training values the bins were computed from (missing values excluded).
  std::uint64_t count = 0;
  // Interior bin edges c_1 < ... < c_{B-1}, strictly increasing, finite; B = bin_edges.size() + 1
  // bins (psi.h says which bin a value falls into).
  std::vector<double> bin_edges;
  // B proportions of the training values per bin, each in [0, 1], summing to 1 (within 1e-6).
  std::vector<double> bin_frequencies;
  // A uniform random sample of the training values without replacement (all of them when few),
  // sorted ascending, finite, non-empty: the reference side of the two-sample KS test.
  std::vector<double> sample;
};

// The reference ("training") profile of a model's inputs, features in the model's input order.
// Immutable once built; safe to share read-only between threads.
class ReferenceProfile {
 public:
  static constexpr int kVersion = 1;

  // Validates; the error (code "InvalidProfile") names the offending field, for example
  // "features[2].bin_edges[3]: not strictly increasing". Samples given unsorted are sorted.
  static Result<ReferenceProfile> fromJson(const nlohmann::json& json);
  // Parses JSON text, then fromJson.
  static Result<ReferenceProfile> parse(std::string_view text);
  // The same validation for profiles built in code (profile_builder.h).
  static Result<ReferenceProfile> create(std::vector<FeatureProfile> features);

  nlohmann::json toJson() const;

  std::span<const FeatureProfile> features() const { return features_; }
  // Number of features: the row width DriftWindow::observe expects.
  std::size_t width() const { return features_.size(); }

 private:
  explicit ReferenceProfile(std::vector<FeatureProfile> features)
      : features_(std::move(features)) {}

  std::vector<FeatureProfile> features_;
};

}  // namespace aviary::sidecar::drift
