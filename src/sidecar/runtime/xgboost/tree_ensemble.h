#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "sidecar/runtime/xgboost/model.h"

namespace aviary::sidecar::xgboost {

// Trees deeper than this are refused (xgboost's depth-wise trees stay far below it; a deeper
// one is a hostile or corrupt file).
inline constexpr std::size_t kMaxTreeDepth = 512;

// The trees of a Model laid out for evaluation: all nodes in one array of 12-byte nodes, each
// tree breadth-first from its root, the two children of a split next to each other. Dart weights
// are folded into the leaf values the way xgboost applies them.
//
// Evaluation reproduces xgboost's CPU predictor: each output of a row starts from its margin and
// gets one float32 addition per tree, in the model's tree order.
class TreeEnsemble {
 public:
  // Lays out `model`'s trees; refuses (kInvalidArgument) a tree whose nodes reachable from its
  // root do not form a tree (a child reached twice, a cycle) or that is deeper than
  // kMaxTreeDepth.
  static Result<TreeEnsemble> build(const Model& model);

  std::size_t numFeatures() const { return num_features_; }
  std::size_t numOutputs() const { return num_outputs_; }

  // Adds the trees' leaf values to `margins` (num_rows x numOutputs(), row-major, holding the
  // starting margins) for `rows` (num_rows x numFeatures(), NaN = missing). Rows are taken in
  // blocks, each block through every tree in turn.
  void accumulate(const float* rows, std::size_t num_rows, float* margins) const;

 private:
  static constexpr std::uint32_t kDefaultLeft = 1u << 30;
  static constexpr std::uint32_t kCategorical = 1u << 29;
  static constexpr std::uint32_t kFeatureMask = kCategorical - 1;

  struct Node {
    // Numerical split: the threshold. Categorical split: the index of its CategorySet, stored in
    // the float's bits. Leaf: NaN (its value is in leaf_values_).
    float value;
    std::uint32_t feature;  // feature index | kDefaultLeft | kCategorical
    std::uint32_t left;     // index of the left child, the right one is left + 1; a leaf's own
  };
  static_assert(sizeof(Node) == 12);
  struct CategorySet {
    std::uint32_t begin;  // into category_words_
    std::uint32_t size;   // words; category c goes right when its bit is set
  };

  Status addTree(const Tree& tree, bool dart, float weight, std::size_t index);
  bool categoryGoesRight(const Node& node, float x) const;
  std::uint32_t next(std::uint32_t at, const float* row) const;
  template <std::size_t kLanes>
  void walk(std::uint32_t (&at)[kLanes], const float* const (&row)[kLanes],
            std::uint32_t depth) const;
  void accumulateBlock(const float* rows, std::size_t num_rows, float* margins) const;

  std::size_t num_features_ = 0;
  std::size_t num_outputs_ = 1;
  std::vector<Node> nodes_;
  std::vector<float> leaf_values_;  // by node index; the (dart-weighted) value of each leaf
  std::vector<std::uint32_t> roots_;
  std::vector<std::uint32_t> depths_;  // the deepest leaf of each tree
  std::vector<std::uint32_t> outputs_;
  std::vector<CategorySet> category_sets_;
  std::vector<std::uint32_t> category_words_;
};

}  // namespace aviary::sidecar::xgboost
