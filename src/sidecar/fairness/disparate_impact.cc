#include "sidecar/fairness/disparate_impact.h"

#include <algorithm>

namespace aviary::sidecar::fairness {
namespace {

const GroupRate* findGroup(std::span<const GroupRate> rates, std::string_view group) {
  for (const auto& rate : rates) {
    if (rate.group == group) return &rate;
  }
  return nullptr;
}

}  // namespace

std::vector<ImpactRatio> impactRatios(std::span<const GroupRate> rates) {
  double highest = 0.0;
  for (const auto& rate : rates) highest = std::max(highest, rate.positive_rate);
  std::vector<ImpactRatio> ratios;
  if (!(highest > 0.0)) return ratios;
  ratios.reserve(rates.size());
  for (const auto& rate : rates) ratios.push_back({rate.group, rate.positive_rate / highest});
  return ratios;
}

std::optional<double> minImpactRatio(std::span<const GroupRate> rates) {
  const auto ratios = impactRatios(rates);
  if (ratios.empty()) return std::nullopt;
  double lowest = ratios.front().ratio;
  for (const auto& ratio : ratios) lowest = std::min(lowest, ratio.ratio);
  return lowest;
}

std::optional<double> disparateImpact(std::span<const GroupRate> rates,
                                      std::string_view unprivileged, std::string_view privileged) {
  const GroupRate* a = findGroup(rates, unprivileged);
  const GroupRate* b = findGroup(rates, privileged);
  if (a == nullptr || b == nullptr || !(b->positive_rate > 0.0)) return std::nullopt;
  return a->positive_rate / b->positive_rate;
}

bool withinFourFifthsBand(double ratio) {
  return ratio >= kFourFifths && ratio <= kDisparateImpactUpper;
}

}  // namespace aviary::sidecar::fairness
