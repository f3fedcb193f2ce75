#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace aviary::sidecar::xgboost {

// How an objective maps its output-space intercept (base_score) to the margin.
enum class InterceptLink { kIdentity, kLogit, kLog };

// How an objective maps margins to its predictions (xgboost's PredTransform).
enum class OutputTransform {
  kIdentity,  // regression, ranking and raw objectives
  kSigmoid,   // binary:logistic, reg:logistic
  kExp,       // count:poisson, reg:gamma, reg:tweedie, survival:cox
  kHinge,     // binary:hinge: 1 if the margin is positive, else 0
  kSoftmax,   // multi:softprob: one probability per class
  kArgmax,    // multi:softmax: the index of the largest margin, one per row
};

struct Objective {
  InterceptLink link = InterceptLink::kIdentity;
  OutputTransform transform = OutputTransform::kIdentity;
};

// The objective named in a model file; refuses (kInvalidArgument, naming it) any other, since
// its output transform would be unknown.
Result<Objective> objectiveNamed(std::string_view name);

// The margin each output starts from: base_score through the objective's inverse link, in
// float32 as xgboost computes it. `version` is the saving xgboost's: since 3.2 the logistic
// intercept is clamped into [1e-6, 1 - 1e-6]; before, it had to lie in (0, 1). Refuses an
// intercept the objective cannot take (a logistic one outside its range, a log one <= 0).
Result<std::vector<float>> interceptMargins(const Objective& objective,
                                            std::span<const float> base_score,
                                            std::array<int, 3> version);

// Outputs per row of the transformed prediction: 1 for kArgmax, else `margin_outputs`.
std::size_t valueOutputs(const Objective& objective, std::size_t margin_outputs);

// Writes the predictions for `margins` (rows x outputs, row-major) to `values`
// (rows x valueOutputs), in float32 exactly as xgboost's CPU code computes them.
void transform(const Objective& objective, std::span<const float> margins, std::size_t outputs,
               std::span<float> values);

}  // namespace aviary::sidecar::xgboost
