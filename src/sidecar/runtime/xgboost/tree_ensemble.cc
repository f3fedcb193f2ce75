#include "sidecar/runtime/xgboost/tree_ensemble.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>

namespace aviary::sidecar::xgboost {
namespace {

// Rows evaluated together: their margins stay in L1 while the trees stream past.
constexpr std::size_t kBlockRows = 64;

// xgboost's bound on a category: larger values and negative ones are not categories and go left.
constexpr float kCategoryLimit = 16777216.0f;

}  // namespace

Result<TreeEnsemble> TreeEnsemble::build(const Model& model) {
  TreeEnsemble ensemble;
  ensemble.num_features_ = model.num_features;
  ensemble.num_outputs_ = model.num_outputs;
  const bool dart = !model.tree_weight.empty();
  for (std::size_t i = 0; i < model.trees.size(); ++i) {
    AVIARY_RETURN_IF_ERROR(
        ensemble.addTree(model.trees[i], dart, dart ? model.tree_weight[i] : 1.0f, i));
    ensemble.outputs_.push_back(model.tree_output[i]);
  }
  return ensemble;
}

Status TreeEnsemble::addTree(const Tree& tree, bool dart, float weight, std::size_t index) {
  // Breadth-first from the root; each split gets two consecutive slots for its children.
  struct Pending {
    std::int32_t source;  // node index in `tree`
    std::uint32_t slot;   // where it goes in nodes_
    std::size_t depth;
  };
  const auto first = static_cast<std::uint32_t>(nodes_.size());
  roots_.push_back(first);
  std::vector<std::uint8_t> reached(tree.size(), 0);
  std::deque<Pending> pending{{0, first, 0}};
  reached[0] = 1;
  nodes_.push_back({});
  while (!pending.empty()) {
    const Pending at = pending.front();
    pending.pop_front();
    const auto source = static_cast<std::size_t>(at.source);
    Node node{};
    if (tree.left[source] == -1) {
      // dart adds each tree's prediction, 0 + leaf, times the tree's weight; gbtree the leaf.
      node.value = dart ? (0.0f + tree.value[source]) * weight : tree.value[source];
      node.feature = kLeaf;
    } else {
      if (at.depth + 1 > kMaxTreeDepth) {
        return fail(ErrorCode::kInvalidArgument,
                    fmt::format("tree {} is deeper than {} levels", index, kMaxTreeDepth));
      }
      for (const std::int32_t child : {tree.left[source], tree.right[source]}) {
        if (reached[static_cast<std::size_t>(child)]) {
          return fail(ErrorCode::kInvalidArgument,
                      fmt::format("tree {} is not a tree: node {} is reached twice", index, child));
        }
        reached[static_cast<std::size_t>(child)] = 1;
      }
      node.left = static_cast<std::uint32_t>(nodes_.size());
      node.feature = tree.feature[source];
      if (tree.default_left[source]) node.feature |= kDefaultLeft;
      if (tree.categorical[source]) {
        node.feature |= kCategorical;
        node.value = std::bit_cast<float>(static_cast<std::uint32_t>(category_sets_.size()));
        const auto begin = static_cast<std::uint32_t>(category_words_.size());
        const std::uint32_t size = tree.category_size[source];
        const auto* words = tree.category_words.data() + tree.category_begin[source];
        category_words_.insert(category_words_.end(), words, words + size);
        category_sets_.push_back({begin, size});
      } else {
        node.value = tree.value[source];
      }
      pending.push_back({tree.left[source], node.left, at.depth + 1});
      pending.push_back({tree.right[source], node.left + 1, at.depth + 1});
      nodes_.resize(nodes_.size() + 2);
    }
    nodes_[at.slot] = node;
  }
  return {};
}

inline bool TreeEnsemble::goesRight(const Node& node, float x) const {
  if (!(node.feature & kCategorical)) return !(x < node.value);
  // As xgboost decides: a value that is not a category, or beyond the set's words, goes left.
  if (x < 0.0f || x >= kCategoryLimit) return false;
  const auto category = static_cast<std::uint32_t>(x);
  const CategorySet& set = category_sets_[std::bit_cast<std::uint32_t>(node.value)];
  const std::uint32_t word = category / 32;
  if (word >= set.size) return false;
  return (category_words_[set.begin + word] >> (category % 32)) & 1u;
}

void TreeEnsemble::accumulateBlock(const float* rows, std::size_t num_rows, float* margins) const {
  const Node* nodes = nodes_.data();
  for (std::size_t t = 0; t < roots_.size(); ++t) {
    const Node* root = nodes + roots_[t];
    const std::uint32_t output = outputs_[t];
    for (std::size_t r = 0; r < num_rows; ++r) {
      const float* row = rows + r * num_features_;
      const Node* node = root;
      while (!(node->feature & kLeaf)) {
        const float x = row[node->feature & kFeatureMask];
        std::uint32_t right;
        if (std::isnan(x)) {
          right = (node->feature & kDefaultLeft) ? 0 : 1;
        } else {
          right = goesRight(*node, x) ? 1 : 0;
        }
        node = nodes + node->left + right;
      }
      margins[r * num_outputs_ + output] += node->value;
    }
  }
}

void TreeEnsemble::accumulate(const float* rows, std::size_t num_rows, float* margins) const {
  for (std::size_t begin = 0; begin < num_rows; begin += kBlockRows) {
    const std::size_t count = std::min(kBlockRows, num_rows - begin);
    accumulateBlock(rows + begin * num_features_, count, margins + begin * num_outputs_);
  }
}

}  // namespace aviary::sidecar::xgboost
