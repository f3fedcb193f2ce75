#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

// The output transform of a LightGBM objective: how a row's raw scores (the sums of its trees)
// become the value lightgbm's predict() returns. Each transform is computed in double with the
// same operations in the same order as LightGBM's ObjectiveFunction::ConvertOutput, so the
// result is bit for bit LightGBM's (with the same libm).
namespace aviary::sidecar::lightgbm {

enum class Transform {
  kIdentity,      // regression_l1, huber, fair, quantile, mape, lambdarank, rank_xendcg, none
  kSignedSquare,  // "sqrt" (reg_sqrt=true): sign(x) * x * x
  kSigmoid,       // binary (with its sigmoid), cross_entropy (sigmoid 1)
  kExp,           // poisson, gamma, tweedie
  kLog1pExp,      // cross_entropy_lambda
  kSoftmax,       // multiclass
  kSigmoidEach,   // multiclassova: the binary transform per class
};

struct Objective {
  std::string name;  // the objective's first word; "none" when the model names none
  Transform transform = Transform::kIdentity;
  double sigmoid = 1.0;
  int num_class = 1;  // scores per row the transform reads
};

// Parses the header's objective line as LightGBM writes it ("binary sigmoid:1",
// "multiclass num_class:3", "regression sqrt", ...). An objective or a parameter this does not
// know is an InvalidArgument naming it.
Result<Objective> parseObjective(std::string_view text);

// The objective of a model whose header has no objective line (trained with a custom one):
// LightGBM then returns raw scores as values.
Objective noObjective(int num_tree_per_iteration);

// Transforms one row's raw scores in place; `scores` has objective.num_class entries.
void convertOutput(const Objective& objective, std::span<double> scores);

// LightGBM's own (not correctly rounded) decimal reader, which it uses for the objective's
// parameters: the same digits give the same double as in LightGBM. Accepts what LightGBM's does,
// except that unknown words are an error instead of a fatal log.
Result<double> parseLightgbmDecimal(std::string_view text);

}  // namespace aviary::sidecar::lightgbm
