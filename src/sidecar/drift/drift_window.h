#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "sidecar/drift/ks.h"
#include "sidecar/drift/reference_profile.h"

namespace aviary::sidecar::drift {

// Values of the `stat` label of aviary_feature_drift (DESIGN.md, "Sidecar metrics").
inline constexpr const char* kStatKs = "ks";
inline constexpr const char* kStatKsPValue = "ks_pvalue";
inline constexpr const char* kStatPsi = "psi";

// Drift of one feature between the window and the reference profile.
struct FeatureDrift {
  std::string feature;
  // Two-sample KS statistic D between the window's values and the profile's reference sample
  // (ks.h).
  double ks_statistic = 0.0;
  // P(D' >= D) under "same distribution"; exact unless ks_p_value_exact is false (ks.h).
  double ks_p_value = 1.0;
  bool ks_p_value_exact = true;
  // PSI of the window's values over the profile's bins, empty bins at kPsiEpsilon (psi.h).
  double psi = 0.0;
  // Window values the three numbers were computed from (NaNs are skipped).
  std::size_t samples = 0;
};

// The last `capacity` input rows of a model, compared with its reference profile.
//
// Cost: observe() copies one row into a preallocated ring (O(width), no allocation); compute()
// sorts each feature's window values and merges them with the reference sample, O(width * (n log n
// + reference sample)), plus the exact KS p-value (at most kMaxExactKsCells steps per feature).
//
// Not thread-safe: the caller serialises observe() and compute() (for example one mutex held for
// the copy in observe() and for compute() on a scrape).
class DriftWindow {
 public:
  // capacity >= 1 rows; the profile is copied. max_exact_ks_cells bounds the work of each exact KS
  // p-value (ks.h); beyond it the limiting distribution is used.
  static Result<DriftWindow> create(const ReferenceProfile& profile, std::size_t capacity,
                                    std::size_t max_exact_ks_cells = kMaxExactKsCells);

  // Adds one row (values in the profile's feature order), forgetting the oldest row when full.
  // A row of the wrong width is rejected (code "InvalidInput") and the window is unchanged. NaN
  // stands for a missing value and is left out of that feature's statistics.
  Status observe(std::span<const float> row);

  // One entry per feature that has at least one value in the window, in profile order; empty when
  // the window is empty (never made-up zeros).
  std::vector<FeatureDrift> compute() const;

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  const ReferenceProfile& profile() const { return profile_; }

 private:
  DriftWindow(const ReferenceProfile& profile, std::size_t capacity,
              std::size_t max_exact_ks_cells);

  ReferenceProfile profile_;
  std::size_t width_;
  std::size_t capacity_;
  std::size_t max_exact_ks_cells_;
  std::vector<float> rows_;  // capacity_ rows of width_ values, a ring
  std::size_t next_ = 0;     // ring slot the next row goes to
  std::size_t size_ = 0;
};

}  // namespace aviary::sidecar::drift
