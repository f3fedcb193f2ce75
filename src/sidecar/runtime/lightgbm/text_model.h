#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

// LightGBM's model text format, as Booster.save_model / LGBM_BoosterSaveModel of lightgbm 4.x
// writes it ("version=v4"), read into plain structs. The reader accepts only what evaluation
// understands: every key it does not know, a linear tree, or any count, index or size that does
// not add up is an InvalidArgument naming it, so a model either evaluates exactly or is refused.
namespace aviary::sidecar::lightgbm {

// Bits of a node's decision_type.
inline constexpr int kCategoricalBit = 1;  // categorical split (else numerical)
inline constexpr int kDefaultLeftBit = 2;  // a missing value goes left (else right)
// Bits 2-3 of decision_type: which value is "missing" for a numerical split.
enum class MissingType : std::uint8_t { kNone = 0, kZero = 1, kNaN = 2 };

inline MissingType missingType(std::int8_t decision_type) {
  return static_cast<MissingType>((decision_type >> 2) & 3);
}

// Bounds beyond which a file is refused as absurd before anything is sized from it.
inline constexpr int kMaxLeaves = 131072;     // LightGBM's own num_leaves limit
inline constexpr int kMaxFeatures = 1 << 24;  // max_feature_idx + 1
inline constexpr int kMaxTreesPerIteration = 4096;

// One tree. Internal nodes are 0..num_leaves-2; a child index c >= 0 is an internal node, c < 0
// is the leaf ~c. The reader guarantees every child of node i is an internal node > i or a leaf,
// and every node but the root and every leaf has exactly one parent: a proper tree.
struct TextTree {
  int num_leaves = 1;
  int num_cat = 0;                 // categorical splits; thresholds index cat_boundaries
  std::vector<int> split_feature;  // num_leaves - 1 entries, in [0, max_feature_idx]
  std::vector<double> threshold;   // numerical: x <= threshold goes left
  std::vector<std::int8_t> decision_type;
  std::vector<int> left_child;
  std::vector<int> right_child;
  std::vector<double> leaf_value;            // num_leaves entries
  std::vector<int> cat_boundaries;           // num_cat + 1 word offsets into cat_threshold
  std::vector<std::uint32_t> cat_threshold;  // bitsets: bit v set = category v goes left
};

struct TextModel {
  int num_class = 1;
  int num_tree_per_iteration = 1;
  int max_feature_idx = -1;
  bool has_objective = false;   // a model trained with a custom objective names none
  std::string objective;        // as written, e.g. "binary sigmoid:1"
  bool average_output = false;  // boosting=rf: the value is the mean over iterations
  std::vector<std::string> feature_names;
  std::vector<TextTree> trees;  // iteration-major: tree i*K+k is class k of iteration i

  std::size_t numFeatures() const { return static_cast<std::size_t>(max_feature_idx) + 1; }
  std::size_t numIterations() const {
    return trees.size() / static_cast<std::size_t>(num_tree_per_iteration);
  }
};

// Reads a model saved as text. Lines may end in "\n" or "\r\n".
Result<TextModel> readTextModel(std::string_view text);

// The space-separated tokens of one line of the text format (a run of spaces is one separator),
// as the reader and the objective line's parser both need them.
std::vector<std::string_view> splitSpaces(std::string_view text);

}  // namespace aviary::sidecar::lightgbm
