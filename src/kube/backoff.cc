#include "kube/backoff.h"

#include <algorithm>
#include <cmath>

namespace aviary::kube {

std::chrono::milliseconds backoffDelay(const BackoffPolicy& policy, int failures) {
  if (failures <= 0) return std::chrono::milliseconds{0};
  double delay = static_cast<double>(policy.base.count()) * std::pow(policy.factor, failures - 1);
  double cap = static_cast<double>(policy.cap.count());
  if (!std::isfinite(delay) || delay > cap) delay = cap;
  return std::chrono::milliseconds{static_cast<long>(delay)};
}

}  // namespace aviary::kube
