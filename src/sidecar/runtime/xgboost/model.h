#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aviary::sidecar::xgboost {

// One regression tree as the model file describes it, node i at index i of every array. Node 0 is
// the root; a leaf has left[i] == right[i] == -1 and its value in `value`; a split sends a row
// left when its feature is `< value` (numerical) or its category is not in the node's set
// (categorical), to the default side when the feature is missing. Nodes unreachable from the root
// (pruned ones) may be present and are ignored.
struct Tree {
  std::vector<std::int32_t> left;
  std::vector<std::int32_t> right;
  std::vector<std::uint32_t> feature;
  std::vector<float> value;  // the split threshold, or a leaf's value
  std::vector<std::uint8_t> default_left;
  std::vector<std::uint8_t> categorical;
  // Categorical nodes: the categories that go right, as a bitset (bit c % 32 of word c / 32)
  // in category_words[category_begin[i], category_begin[i] + category_size[i]).
  std::vector<std::uint32_t> category_begin;
  std::vector<std::uint32_t> category_size;
  std::vector<std::uint32_t> category_words;

  std::size_t size() const { return left.size(); }
};

// What predicting needs from an XGBoost model, read from its JSON or UBJSON document.
struct Model {
  std::array<int, 3> version{};  // of the xgboost that saved it
  std::string objective;
  std::size_t num_features = 0;
  std::vector<std::string> feature_names;  // empty, or one per feature
  // Outputs per row of the margin: the class count, the target count, or 1.
  std::size_t num_outputs = 1;
  // The intercept per output, in the objective's output space as the file stores it.
  std::vector<float> base_score;
  std::vector<Tree> trees;
  std::vector<std::uint32_t> tree_output;  // the output each tree adds to ("tree_info")
  // dart: the weight of each tree's leaves at inference ("weight_drop"); empty for gbtree.
  std::vector<float> tree_weight;
};

}  // namespace aviary::sidecar::xgboost
