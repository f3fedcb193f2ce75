#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/fairness/group_window.h"

namespace aviary::sidecar::fairness {

// The four-fifths rule (29 CFR 1607.4(D)): a group whose positive rate is below 4/5 of the
// highest group's rate shows adverse impact. Practice also flags ratios above 1.25 when the
// comparison is with a chosen reference group rather than the highest one (band [0.8, 1.25]).
inline constexpr double kFourFifths = 0.8;
inline constexpr double kDisparateImpactUpper = 1.25;

struct ImpactRatio {
  std::string group;
  double ratio = 0.0;  // this group's positive rate / the highest group's positive rate, in [0, 1]
};

// Each group's rate divided by the highest rate among `rates` (the four-fifths comparison), in the
// order given. Empty when `rates` is empty or every rate is 0 (the ratio is undefined, not 1).
std::vector<ImpactRatio> impactRatios(std::span<const GroupRate> rates);

// The smallest of impactRatios: what a gate "positiveRateDisparity >= 0.8" compares. nullopt when
// undefined (no groups, or no positives at all).
std::optional<double> minImpactRatio(std::span<const GroupRate> rates);

// AIF360's disparate impact: rate(unprivileged) / rate(privileged). nullopt when either group is
// absent or the privileged rate is 0.
std::optional<double> disparateImpact(std::span<const GroupRate> rates,
                                      std::string_view unprivileged, std::string_view privileged);

// True when ratio is within [kFourFifths, kDisparateImpactUpper].
bool withinFourFifthsBand(double ratio);

}  // namespace aviary::sidecar::fairness
