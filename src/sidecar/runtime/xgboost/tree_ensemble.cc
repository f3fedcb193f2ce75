#include "sidecar/runtime/xgboost/tree_ensemble.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>
#include <limits>

namespace aviary::sidecar::xgboost {
namespace {

// Rows evaluated together: their margins stay in L1 while the trees stream past.
constexpr std::size_t kBlockRows = 64;
// Walks in lockstep (see walk()): rows of a batch through one tree, or trees for one row (more
// of those, since a single row has no other work to overlap). Measured best on the bench model.
constexpr std::size_t kRowLanes = 8;
constexpr std::size_t kTreeLanes = 16;

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
  std::size_t depth = 0;
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
      // A leaf's threshold is NaN and its missing values go left: every x steps to itself.
      node.value = std::numeric_limits<float>::quiet_NaN();
      node.feature = kDefaultLeft;
      leaf_values_.resize(nodes_.size());
      leaf_values_[at.slot] = dart ? (0.0f + tree.value[source]) * weight : tree.value[source];
      node.left = at.slot;  // a leaf steps to itself (see walk())
      depth = std::max(depth, at.depth);
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
        // Steps test x >= threshold, which is !(x < threshold) for every x but NaN (missing,
        // handled apart) when the threshold is a number; a NaN threshold sends all right.
        const float threshold = tree.value[source];
        node.value = std::isnan(threshold) ? -std::numeric_limits<float>::infinity() : threshold;
      }
      pending.push_back({tree.left[source], node.left, at.depth + 1});
      pending.push_back({tree.right[source], node.left + 1, at.depth + 1});
      nodes_.resize(nodes_.size() + 2);
    }
    nodes_[at.slot] = node;
  }
  depths_.push_back(static_cast<std::uint32_t>(depth));
  leaf_values_.resize(nodes_.size());
  return {};
}

bool TreeEnsemble::categoryGoesRight(const Node& node, float x) const {
  // As xgboost decides: a value that is not a category, or beyond the set's words, goes left.
  if (x < 0.0f || x >= kCategoryLimit) return false;
  const auto category = static_cast<std::uint32_t>(x);
  const CategorySet& set = category_sets_[std::bit_cast<std::uint32_t>(node.value)];
  const std::uint32_t word = category / 32;
  if (word >= set.size) return false;
  return (category_words_[set.begin + word] >> (category % 32)) & 1u;
}

inline std::uint32_t TreeEnsemble::next(std::uint32_t at, const float* row) const {
  const Node& node = nodes_[at];
  const std::uint32_t feature = node.feature;
  const float x = row[feature & kFeatureMask];
  std::uint32_t right;
  if (feature & kCategorical) [[unlikely]] {
    right =
        std::isnan(x) ? ((feature & kDefaultLeft) ? 0 : 1) : (categoryGoesRight(node, x) ? 1 : 0);
  } else {
    const std::uint32_t default_right = (feature & kDefaultLeft) ? 0 : 1;
    const std::uint32_t above = (x >= node.value) ? 1 : 0;
    right = std::isnan(x) ? default_right : above;
  }
  return node.left + right;
}

// A walk takes a fixed number of steps, the deepest leaf's depth: a leaf steps to itself, so the
// walk needs no test for having arrived, and each step is computed without a branch (but for
// categorical splits). kLanes walks go in lockstep, so their dependent loads overlap.
template <std::size_t kLanes>
inline void TreeEnsemble::walk(std::uint32_t (&at)[kLanes], const float* const (&row)[kLanes],
                               std::uint32_t depth) const {
  for (std::uint32_t step = 0; step < depth; ++step) {
    for (std::size_t lane = 0; lane < kLanes; ++lane) at[lane] = next(at[lane], row[lane]);
  }
}

// Many rows: each tree in turn walks kRowLanes rows at once. Few rows: each row walks kTreeLanes
// trees at once, whose leaves are then added in tree order.
void TreeEnsemble::accumulateBlock(const float* rows, std::size_t num_rows, float* margins) const {
  const std::size_t num_trees = roots_.size();
  if (num_rows >= kRowLanes) {
    for (std::size_t t = 0; t < num_trees; ++t) {
      const std::uint32_t output = outputs_[t];
      std::size_t r = 0;
      for (; r + kRowLanes <= num_rows; r += kRowLanes) {
        std::uint32_t at[kRowLanes];
        const float* row[kRowLanes];
        for (std::size_t lane = 0; lane < kRowLanes; ++lane) {
          at[lane] = roots_[t];
          row[lane] = rows + (r + lane) * num_features_;
        }
        walk(at, row, depths_[t]);
        for (std::size_t lane = 0; lane < kRowLanes; ++lane) {
          margins[(r + lane) * num_outputs_ + output] += leaf_values_[at[lane]];
        }
      }
      for (; r < num_rows; ++r) {
        std::uint32_t at[1] = {roots_[t]};
        const float* row[1] = {rows + r * num_features_};
        walk(at, row, depths_[t]);
        margins[r * num_outputs_ + output] += leaf_values_[at[0]];
      }
    }
    return;
  }
  for (std::size_t r = 0; r < num_rows; ++r) {
    const float* const this_row = rows + r * num_features_;
    float* const row_margins = margins + r * num_outputs_;
    std::size_t t = 0;
    for (; t + kTreeLanes <= num_trees; t += kTreeLanes) {
      std::uint32_t at[kTreeLanes];
      const float* row[kTreeLanes];
      std::uint32_t depth = 0;
      for (std::size_t lane = 0; lane < kTreeLanes; ++lane) {
        at[lane] = roots_[t + lane];
        row[lane] = this_row;
        depth = std::max(depth, depths_[t + lane]);
      }
      walk(at, row, depth);
      for (std::size_t lane = 0; lane < kTreeLanes; ++lane) {
        row_margins[outputs_[t + lane]] += leaf_values_[at[lane]];
      }
    }
    for (; t < num_trees; ++t) {
      std::uint32_t at[1] = {roots_[t]};
      const float* row[1] = {this_row};
      walk(at, row, depths_[t]);
      row_margins[outputs_[t]] += leaf_values_[at[0]];
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
