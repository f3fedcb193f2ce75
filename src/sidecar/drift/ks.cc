#include "sidecar/drift/ks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <utility>
#include <vector>

namespace aviary::sidecar::drift {
namespace {

template <typename A, typename B>
double statistic(std::span<const A> a, std::span<const B> b) {
  const double n_a = static_cast<double>(a.size());
  const double n_b = static_cast<double>(b.size());
  std::size_t i = 0;
  std::size_t j = 0;
  double d = 0.0;
  while (i < a.size() || j < b.size()) {
    const double x = (j == b.size() || (i < a.size() && static_cast<double>(a[i]) <= b[j]))
                         ? static_cast<double>(a[i])
                         : static_cast<double>(b[j]);
    while (i < a.size() && static_cast<double>(a[i]) <= x) ++i;
    while (j < b.size() && static_cast<double>(b[j]) <= x) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / n_a - static_cast<double>(j) / n_b));
  }
  return d;
}

std::int64_t floorDiv(std::int64_t num, std::int64_t den) {
  std::int64_t q = num / den;
  if ((num % den != 0) && (num < 0)) --q;
  return q;
}

std::int64_t ceilDiv(std::int64_t num, std::int64_t den) { return -floorDiv(-num, den); }

}  // namespace

double ksStatistic(std::span<const double> sorted_a, std::span<const float> sorted_b) {
  return statistic(sorted_a, sorted_b);
}

double ksStatistic(std::span<const double> sorted_a, std::span<const double> sorted_b) {
  return statistic(sorted_a, sorted_b);
}

// A uniformly random interleaving of the two samples is a lattice path from (0, 0) to (n_a, n_b)
// that steps +1 in i (next value from a) or +1 in j (next from b); at (i, j) the ECDF difference is
// (i n_b - j n_a) / (n_a n_b). D' >= d exactly when the path touches |i n_b - j n_a| >= K with
// K = d n_a n_b (an integer). The walk carries the probability of reaching each inside point
// without having left the band; from (i, j) it steps in i with probability (n_a - i) / (n_a - i +
// n_b - j), which makes every path equally likely. Mass stepping out of the band is the p-value.
double ksExactPValue(std::size_t n_a, std::size_t n_b, double d) {
  const auto na = static_cast<std::int64_t>(n_a);
  const auto nb = static_cast<std::int64_t>(n_b);
  const auto k = static_cast<std::int64_t>(
      std::llround(d * static_cast<double>(n_a) * static_cast<double>(n_b)));
  if (k <= 0) return 1.0;
  // Inside points of row i are lo(i) <= j <= hi(i).
  auto band = [&](std::int64_t i) {
    const std::int64_t lo = std::max<std::int64_t>(0, floorDiv(i * nb - k, na) + 1);
    const std::int64_t hi = std::min<std::int64_t>(nb, ceilDiv(i * nb + k, na) - 1);
    return std::pair{lo, hi};
  };
  // 1 / (points left to visit), so the inner loop multiplies instead of dividing.
  std::vector<double> inverse(n_a + n_b + 1, 0.0);
  for (std::size_t t = 1; t < inverse.size(); ++t) inverse[t] = 1.0 / static_cast<double>(t);
  std::vector<double> row(n_b + 1, 0.0);
  std::vector<double> next_row(n_b + 1, 0.0);
  row[0] = 1.0;
  double outside = 0.0;
  for (std::int64_t i = 0; i <= na; ++i) {
    const auto [lo, hi] = band(i);
    const auto [next_lo, next_hi] = band(i + 1);
    double carried = 0.0;  // mass stepping in j from (i, j - 1), kept out of memory
    for (std::int64_t j = lo; j <= hi; ++j) {
      const double mass = row[j] + carried;
      carried = 0.0;
      const std::int64_t left_a = na - i;
      const std::int64_t left_b = nb - j;
      const double share_b =
          left_a == 0 ? 1.0 : static_cast<double>(left_b) * inverse[left_a + left_b];
      const double step_b = mass * share_b;
      const double step_a = mass - step_b;
      if (left_b > 0) {
        if (j + 1 <= hi) {
          carried = step_b;
        } else {
          outside += step_b;
        }
      }
      if (left_a > 0) {
        if (next_lo <= j && j <= next_hi) {
          next_row[j] += step_a;
        } else {
          outside += step_a;
        }
      }
    }
    for (std::int64_t j = lo; j <= hi; ++j) row[j] = 0.0;
    std::swap(row, next_row);
  }
  return std::clamp(outside, 0.0, 1.0);
}

double kolmogorovSurvival(double x) {
  if (!(x > 0.0)) return 1.0;
  constexpr double kPi = std::numbers::pi;
  if (x < 1.0) {
    const double w = kPi * kPi / (8.0 * x * x);
    double sum = 0.0;
    for (int k = 1; k < 100; ++k) {
      const double odd = 2.0 * k - 1.0;
      const double term = std::exp(-odd * odd * w);
      sum += term;
      if (term <= 1e-17 * sum) break;
    }
    return std::clamp(1.0 - std::sqrt(2.0 * kPi) / x * sum, 0.0, 1.0);
  }
  double sum = 0.0;
  double sign = 1.0;
  for (int k = 1; k < 100; ++k) {
    const double term = std::exp(-2.0 * k * k * x * x);
    sum += sign * term;
    if (term <= 1e-17 * sum) break;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

KsPValue ksPValue(std::size_t n_a, std::size_t n_b, double d, std::size_t max_exact_cells) {
  if (!(d > 0.0)) return {1.0, true};
  const double a = static_cast<double>(n_a);
  const double b = static_cast<double>(n_b);
  const double cells = 2.0 * d * a * b + a + b;
  if (cells <= static_cast<double>(max_exact_cells)) return {ksExactPValue(n_a, n_b, d), true};
  return {kolmogorovSurvival(std::sqrt(a * b / (a + b)) * d), false};
}

}  // namespace aviary::sidecar::drift
