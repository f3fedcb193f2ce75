#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "sidecar/drift/csv_table.h"
#include "sidecar/drift/reference_profile.h"

namespace aviary::sidecar::drift {

struct ProfileOptions {
  // Quantile bins per feature before merging equal edges (deciles by default).
  std::size_t bins = 10;
  // Largest reference sample kept per feature for the KS test.
  std::size_t sample_size = 1000;
  // Seed of the sampler; the same data, options and seed give the same profile on every platform.
  std::uint64_t seed = 0;
};

// The profile of one feature from its training values (NaN = missing, skipped; infinities are an
// error). With x the n sorted values and B = options.bins:
//   bin edges: c_j = quantile(x, j / B) for j = 1 .. B-1, numpy.quantile's default "linear" method
//              computed as numpy does (h = (n-1) p, lerp between x[floor h] and x[floor h + 1]),
//              then equal edges merged, so a feature with few distinct values gets fewer bins;
//   frequencies: the share of the n values in each bin (psi.h says which bin a value is in);
//   sample: all values if n <= sample_size, else a uniform sample of sample_size of them without
//           replacement (reservoir sampling, Algorithm R, over std::mt19937_64(seed) in input
//           order).
Result<FeatureProfile> profileFeature(std::string name, std::span<const double> values,
                                      const ProfileOptions& options);

// profileFeature for every column of the table, in table order.
Result<ReferenceProfile> buildProfile(const NumericTable& table, const ProfileOptions& options);

}  // namespace aviary::sidecar::drift
