#pragma once

#include <cstddef>
#include <span>

namespace aviary::sidecar::drift {

// Population Stability Index over a reference profile's bins.
//
// Bins: B - 1 strictly increasing cut points c_1 < ... < c_{B-1} split the line into B bins; a
// value x falls into bin #{k : c_k <= x} (numpy.searchsorted(edges, x, side="right")), so bin 0 is
// (-inf, c_1), bin k is [c_k, c_{k+1}) and bin B-1 is [c_{B-1}, +inf).
//
// PSI = sum_k (a_k - e_k) ln(a_k / e_k), with e_k the reference proportion of bin k and a_k the
// window's. A proportion that is exactly zero is replaced by kPsiEpsilon before the sum
// (Evidently's convention), so an empty bin adds a large but finite term; proportions are not
// renormalised. Reading: < 0.1 stable, 0.1–0.25 moderate shift, >= 0.25 major shift (Evidently
// drifts at >= 0.1).

inline constexpr double kPsiEpsilon = 1e-4;

std::size_t binIndex(std::span<const double> cut_points, double x);

// `expected` are the B reference proportions, `actual_counts` the window's B bin counts (their sum
// must be positive).
double populationStabilityIndex(std::span<const double> expected,
                                std::span<const std::size_t> actual_counts);

}  // namespace aviary::sidecar::drift
