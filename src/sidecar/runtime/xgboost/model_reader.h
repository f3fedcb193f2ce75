#pragma once

#include <cstddef>
#include <span>

#include "common/result.h"
#include "sidecar/runtime/xgboost/model.h"

namespace aviary::sidecar::xgboost {

// Limits on what a model file may declare; beyond them it is refused as absurd.
inline constexpr std::size_t kMaxFeatures = std::size_t{1} << 24;
inline constexpr std::size_t kMaxOutputs = std::size_t{1} << 16;
inline constexpr std::size_t kMaxTreeNodes = std::size_t{1} << 24;
inline constexpr std::size_t kMaxCategory = std::size_t{1} << 24;       // xgboost's own bound
inline constexpr std::size_t kMaxCategoryWords = std::size_t{1} << 22;  // all trees together

// Reads an XGBoost model saved as JSON or UBJSON by xgboost 1.x, 2.x or 3.x (gbtree or dart
// booster) into a Model, checking that it is whole and consistent: every array as long as its
// tree says, child and feature indices in range, category sets within kMaxCategory, one
// intercept or one per output, one output index (and one dart weight) per tree.
// Refuses with kInvalidArgument, naming the reason: malformed or inconsistent files, and what
// cannot be evaluated exactly here: other boosters (gblinear), vector-leaf trees
// (multi_strategy "multi_output_tree"), the legacy binary format. Tree shapes (reachability,
// cycles, depth) are checked when the trees are laid out (tree_ensemble.h); the objective by
// objective.h.
Result<Model> readModel(std::span<const std::byte> bytes);

}  // namespace aviary::sidecar::xgboost
