#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sidecar/runtime/lightgbm/text_model.h"

// The trees of a LightGBM model laid out for evaluation: all nodes of all trees in one flat
// array of 16-byte nodes, the leaf values in another, rows evaluated in blocks tree by tree.
//
// It decides every split as LightGBM's Tree::NumericalDecision / CategoricalDecision do on the
// double its C API makes of a float32 input:
//  - a value with |x| <= 1e-35 is 0 (LightGBM's C API drops such values from a row, and an
//    absent value is 0);
//  - numerical, missing type None: NaN is 0, then x <= threshold goes left;
//    missing type Zero: NaN and 0 go the default direction; missing type NaN: NaN goes the
//    default direction, 0 compares like any value;
//  - categorical: NaN, a value <= -1 or >= 2^31 goes right (the integer conversion gives a
//    negative number on x86-64); else the value truncated to an integer goes left when its bit is
//    set in the node's bitset.
// A float32 x satisfies x <= t (t a double) exactly when x <= the largest float not above t, so
// thresholds are stored as floats with no change to any decision.
namespace aviary::sidecar::lightgbm {

class Forest {
 public:
  // `model` must come from readTextModel, which checked every index this follows.
  explicit Forest(const TextModel& model);

  std::size_t numFeatures() const { return num_features_; }
  std::size_t numTrees() const { return roots_.size(); }
  // Raw scores per row: the model's num_tree_per_iteration.
  std::size_t outputsPerRow() const { return outputs_per_row_; }

  // Writes each row's raw scores, row-major (num_rows x outputsPerRow()): for output k the sum,
  // in double and in LightGBM's order (iteration by iteration), of the leaves of trees k,
  // K + k, 2K + k, ... `rows` holds num_rows x numFeatures() values, NaN for missing.
  void predictRaw(const float* rows, std::size_t num_rows, double* out) const;

 private:
  struct Node {
    std::uint32_t split;  // the threshold's float bits, or a categorical node's index in sets_
    std::uint32_t feature_and_flags;
    std::int32_t left;  // >= 0: a node in nodes_; < 0: the leaf ~left in leaves_
    std::int32_t right;
  };
  struct CategorySet {
    std::uint32_t offset;  // into words_
    std::uint32_t count;
  };
  static constexpr std::uint32_t kFeatureMask = (1u << 24) - 1;
  static constexpr std::uint32_t kCategorical = 1u << 31;
  static constexpr std::uint32_t kNanLeft = 1u << 30;
  static constexpr std::uint32_t kZeroLeft = 1u << 29;

  void addTree(const TextTree& tree);
  bool goesLeft(const Node& node, float x) const;
  double leafFor(std::int32_t root, const float* row) const;

  std::size_t num_features_ = 0;
  std::size_t outputs_per_row_ = 1;
  std::vector<Node> nodes_;
  std::vector<double> leaves_;
  std::vector<std::int32_t> roots_;  // per tree: its first node, or ~leaf for a constant tree
  std::vector<CategorySet> sets_;
  std::vector<std::uint32_t> words_;
};

}  // namespace aviary::sidecar::lightgbm
