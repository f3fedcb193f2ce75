#include "sidecar/drift/psi.h"

#include <algorithm>
#include <cmath>

namespace aviary::sidecar::drift {

std::size_t binIndex(std::span<const double> cut_points, double x) {
  return static_cast<std::size_t>(std::upper_bound(cut_points.begin(), cut_points.end(), x) -
                                  cut_points.begin());
}

double populationStabilityIndex(std::span<const double> expected,
                                std::span<const std::size_t> actual_counts) {
  std::size_t total = 0;
  for (std::size_t count : actual_counts) total += count;
  const double n = static_cast<double>(total);
  double psi = 0.0;
  for (std::size_t k = 0; k < expected.size() && k < actual_counts.size(); ++k) {
    double e = expected[k];
    double a = static_cast<double>(actual_counts[k]) / n;
    if (e == 0.0) e = kPsiEpsilon;
    if (a == 0.0) a = kPsiEpsilon;
    psi += (a - e) * std::log(a / e);
  }
  return psi;
}

}  // namespace aviary::sidecar::drift
