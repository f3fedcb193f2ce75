#include "sidecar/runtime/xgboost/objective.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace aviary::sidecar::xgboost {
namespace {

struct Named {
  std::string_view name;
  Objective objective;
};

constexpr Named kObjectives[] = {
    {"binary:logistic", {InterceptLink::kLogit, OutputTransform::kSigmoid}},
    {"reg:logistic", {InterceptLink::kLogit, OutputTransform::kSigmoid}},
    {"binary:logitraw", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"binary:hinge", {InterceptLink::kIdentity, OutputTransform::kHinge}},
    {"reg:squarederror", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"reg:linear", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"reg:squaredlogerror", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"reg:absoluteerror", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"reg:pseudohubererror", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"reg:quantileerror", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"count:poisson", {InterceptLink::kLog, OutputTransform::kExp}},
    {"reg:gamma", {InterceptLink::kLog, OutputTransform::kExp}},
    {"reg:tweedie", {InterceptLink::kLog, OutputTransform::kExp}},
    {"survival:cox", {InterceptLink::kLog, OutputTransform::kExp}},
    {"multi:softprob", {InterceptLink::kIdentity, OutputTransform::kSoftmax}},
    {"multi:softmax", {InterceptLink::kIdentity, OutputTransform::kArgmax}},
    {"rank:pairwise", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"rank:ndcg", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
    {"rank:map", {InterceptLink::kIdentity, OutputTransform::kIdentity}},
};

// xgboost's float sigmoid: the exponent capped against overflow, and its epsilon (which adds
// nothing to a float sum >= 1, but is kept so the operations are the same).
float sigmoid(float x) {
  constexpr float kEps = 1e-16f;
  x = std::min(-x, 88.7f);
  const float denominator = expf(x) + 1.0f + kEps;
  return 1.0f / denominator;
}

// xgboost's softmax: max in float, exponentials in float summed in double, divided in float.
void softmax(const float* margins, float* out, std::size_t n) {
  float max = margins[0];
  for (std::size_t i = 1; i < n; ++i) max = fmaxf(margins[i], max);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = expf(margins[i] - max);
    sum += out[i];
  }
  const auto divisor = static_cast<float>(sum);
  for (std::size_t i = 0; i < n; ++i) out[i] /= divisor;
}

// The first index of the largest value (a NaN is never larger), as a float.
float argmax(const float* margins, std::size_t n) {
  std::size_t best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (margins[i] > margins[best]) best = i;
  }
  return static_cast<float>(best);
}

bool atLeast(std::array<int, 3> version, int major, int minor) {
  return version[0] > major || (version[0] == major && version[1] >= minor);
}

}  // namespace

Result<Objective> objectiveNamed(std::string_view name) {
  for (const Named& known : kObjectives) {
    if (known.name == name) return known.objective;
  }
  return fail(ErrorCode::kInvalidArgument,
              fmt::format("objective \"{}\" is not supported (its output transform is unknown "
                          "to this runtime)",
                          name));
}

Result<std::vector<float>> interceptMargins(const Objective& objective,
                                            std::span<const float> base_score,
                                            std::array<int, 3> version) {
  std::vector<float> margins;
  margins.reserve(base_score.size());
  for (float score : base_score) {
    switch (objective.link) {
      case InterceptLink::kIdentity:
        margins.push_back(score);
        break;
      case InterceptLink::kLogit: {
        const bool clamps = atLeast(version, 3, 2);
        const bool valid =
            clamps ? (score >= 0.0f && score <= 1.0f) : (score > 0.0f && score < 1.0f);
        if (!valid) {
          return fail(
              ErrorCode::kInvalidArgument,
              fmt::format("base_score {} is outside the logistic objective's range", score));
        }
        if (clamps) score = std::min(std::max(score, 1e-6f), 1.0f - 1e-6f);
        margins.push_back(-logf(1.0f / score - 1.0f));
        break;
      }
      case InterceptLink::kLog:
        if (!(score > 0.0f)) {
          return fail(
              ErrorCode::kInvalidArgument,
              fmt::format("base_score {} is not positive, as a log-link objective needs", score));
        }
        margins.push_back(logf(score));
        break;
    }
  }
  return margins;
}

std::size_t valueOutputs(const Objective& objective, std::size_t margin_outputs) {
  return objective.transform == OutputTransform::kArgmax ? 1 : margin_outputs;
}

void transform(const Objective& objective, std::span<const float> margins, std::size_t outputs,
               std::span<float> values) {
  const std::size_t rows = margins.size() / outputs;
  switch (objective.transform) {
    case OutputTransform::kIdentity:
      std::copy(margins.begin(), margins.end(), values.begin());
      return;
    case OutputTransform::kSigmoid:
      for (std::size_t i = 0; i < margins.size(); ++i) values[i] = sigmoid(margins[i]);
      return;
    case OutputTransform::kExp:
      for (std::size_t i = 0; i < margins.size(); ++i) values[i] = expf(margins[i]);
      return;
    case OutputTransform::kHinge:
      for (std::size_t i = 0; i < margins.size(); ++i) values[i] = margins[i] > 0.0f ? 1.0f : 0.0f;
      return;
    case OutputTransform::kSoftmax:
      for (std::size_t r = 0; r < rows; ++r) {
        softmax(margins.data() + r * outputs, values.data() + r * outputs, outputs);
      }
      return;
    case OutputTransform::kArgmax:
      for (std::size_t r = 0; r < rows; ++r)
        values[r] = argmax(margins.data() + r * outputs, outputs);
      return;
  }
}

}  // namespace aviary::sidecar::xgboost
