#include "sidecar/runtime/lightgbm/forest.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace aviary::sidecar::lightgbm {
namespace {

// LightGBM's kZeroThreshold (1e-35f): values this close to 0 are 0.
constexpr float kZeroThreshold = 1e-35f;

// The largest float f with f <= value (NaN stays NaN).
float floatAtOrBelow(double value) {
  float f = static_cast<float>(value);
  if (static_cast<double>(f) > value)
    f = std::nextafter(f, -std::numeric_limits<float>::infinity());
  return f;
}

// Rows per block: each tree's nodes are walked for this many rows before the next tree.
constexpr std::size_t kBlockRows = 64;

}  // namespace

Forest::Forest(const TextModel& model)
    : num_features_(model.numFeatures()),
      outputs_per_row_(static_cast<std::size_t>(model.num_tree_per_iteration)) {
  for (const TextTree& tree : model.trees) addTree(tree);
}

void Forest::addTree(const TextTree& tree) {
  const auto node_base = static_cast<std::int32_t>(nodes_.size());
  const auto leaf_base = static_cast<std::int32_t>(leaves_.size());
  leaves_.insert(leaves_.end(), tree.leaf_value.begin(), tree.leaf_value.end());
  const auto child = [&](int c) { return c >= 0 ? node_base + c : ~(leaf_base + ~c); };
  if (tree.num_leaves == 1) {
    roots_.push_back(~leaf_base);
    return;
  }
  roots_.push_back(node_base);
  const auto set_base = static_cast<std::uint32_t>(sets_.size());
  for (int c = 0; c < tree.num_cat; ++c) {
    sets_.push_back(
        {static_cast<std::uint32_t>(words_.size() + tree.cat_boundaries[c]),
         static_cast<std::uint32_t>(tree.cat_boundaries[c + 1] - tree.cat_boundaries[c])});
  }
  words_.insert(words_.end(), tree.cat_threshold.begin(), tree.cat_threshold.end());

  for (int i = 0; i + 1 < tree.num_leaves; ++i) {
    Node node{};
    const std::int8_t type = tree.decision_type[i];
    std::uint32_t flags = static_cast<std::uint32_t>(tree.split_feature[i]) & kFeatureMask;
    if ((type & kCategoricalBit) != 0) {
      flags |= kCategorical;
      node.split = set_base + static_cast<std::uint32_t>(tree.threshold[i]);
    } else {
      const double threshold = tree.threshold[i];
      const bool default_left = (type & kDefaultLeftBit) != 0;
      const bool zero_compares_left = 0.0 <= threshold;
      bool nan_left = zero_compares_left;  // kNone: NaN is 0
      bool zero_left = zero_compares_left;
      switch (missingType(type)) {
        case MissingType::kNone:
          break;
        case MissingType::kZero:
          nan_left = default_left;
          zero_left = default_left;
          break;
        case MissingType::kNaN:
          nan_left = default_left;
          break;
      }
      if (nan_left) flags |= kNanLeft;
      if (zero_left) flags |= kZeroLeft;
      node.split = std::bit_cast<std::uint32_t>(floatAtOrBelow(threshold));
    }
    node.feature_and_flags = flags;
    node.left = child(tree.left_child[i]);
    node.right = child(tree.right_child[i]);
    nodes_.push_back(node);
  }
}

inline bool Forest::goesLeft(const Node& node, float x) const {
  const std::uint32_t flags = node.feature_and_flags;
  if ((flags & kCategorical) == 0) {
    if (std::isnan(x)) return (flags & kNanLeft) != 0;
    if (std::fabs(x) <= kZeroThreshold) return (flags & kZeroLeft) != 0;
    return x <= std::bit_cast<float>(node.split);
  }
  if (!(x > -1.0f) || x >= 2147483648.0f) return false;
  const auto category = static_cast<std::uint32_t>(static_cast<std::int32_t>(x));
  const CategorySet& set = sets_[node.split];
  const std::uint32_t word = category / 32;
  if (word >= set.count) return false;
  return ((words_[set.offset + word] >> (category % 32)) & 1u) != 0;
}

inline double Forest::leafFor(std::int32_t at, const float* row) const {
  while (at >= 0) {
    const Node& node = nodes_[static_cast<std::size_t>(at)];
    at = goesLeft(node, row[node.feature_and_flags & kFeatureMask]) ? node.left : node.right;
  }
  return leaves_[static_cast<std::size_t>(~at)];
}

void Forest::predictRaw(const float* rows, std::size_t num_rows, double* out) const {
  const std::size_t k_count = outputs_per_row_;
  std::fill(out, out + num_rows * k_count, 0.0);
  for (std::size_t begin = 0; begin < num_rows; begin += kBlockRows) {
    const std::size_t end = std::min(num_rows, begin + kBlockRows);
    for (std::size_t t = 0; t < roots_.size(); ++t) {
      const std::int32_t root = roots_[t];
      const std::size_t k = t % k_count;
      for (std::size_t r = begin; r < end; ++r) {
        out[r * k_count + k] += leafFor(root, rows + r * num_features_);
      }
    }
  }
}

}  // namespace aviary::sidecar::lightgbm
