#include "sidecar/runtime/xgboost/tree_ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "sidecar/runtime/xgboost/model_reader.h"
#include "tests/sidecar/fixtures.h"
#include "tests/sidecar/runtime/xgboost/model_text.h"

namespace aviary::sidecar::xgboost {
namespace {

using sidecar::testing::asBytes;
using testing::modelJson;
using testing::ModelText;
using testing::treeJson;
using testing::TreeText;

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

Result<TreeEnsemble> ensembleOf(const ModelText& text) {
  AVIARY_ASSIGN_OR_RETURN(Model model, readModel(asBytes(modelJson(text))));
  return TreeEnsemble::build(model);
}

// Margins from 0 for each row of two features.
std::vector<float> margins(const TreeEnsemble& ensemble, const std::vector<float>& rows) {
  std::vector<float> out(rows.size() / 2 * ensemble.numOutputs(), 0.0f);
  ensemble.accumulate(rows.data(), rows.size() / 2, out.data());
  return out;
}

TEST(TreeEnsembleTest, SplitsBelowTheThresholdLeftAndMissingToTheDefaultSide) {
  auto ensemble = ensembleOf({});  // x0 < 0.5 -> -1, else 1; missing -> left
  ASSERT_TRUE(ensemble.has_value()) << ensemble.error().message;
  EXPECT_EQ(margins(*ensemble, {0.0f, 9.0f, 0.5f, 9.0f, std::nextafter(0.5f, 0.0f), 0.0f, kNan,
                                0.0f, 1e30f, 0.0f, -1e30f, 0.0f}),
            (std::vector<float>{-1.0f, 1.0f, -1.0f, -1.0f, 1.0f, -1.0f}));
}

TEST(TreeEnsembleTest, CategoricalSplitsSendTheSetRightAndEverythingElseLeft) {
  TreeText tree;
  tree.default_left = "[0,0,0]";
  tree.extra = R"(,"split_type":[1,0,0],"categories_nodes":[0],"categories_segments":[0],)"
               R"("categories_sizes":[2],"categories":[1,33])";
  ModelText text;
  text.trees = treeJson(tree);
  auto ensemble = ensembleOf(text);
  ASSERT_TRUE(ensemble.has_value()) << ensemble.error().message;
  // 1 and 33 (and 1.7, truncated to 1) go right; 0, 32, 64 (past the set), -1, 2^24 and up go
  // left; missing goes to the default (right here).
  EXPECT_EQ(margins(*ensemble, {1.0f, 0, 33.0f, 0, 1.7f, 0, 0.0f, 0, 32.0f, 0, 64.0f, 0, -1.0f, 0,
                                16777216.0f, 0, kNan, 0}),
            (std::vector<float>{1, 1, 1, -1, -1, -1, -1, -1, 1}));
}

TEST(TreeEnsembleTest, DartScalesEachLeafByItsTreesWeight) {
  ModelText dart;
  dart.booster = "dart";  // weight 0.5
  auto ensemble = ensembleOf(dart);
  ASSERT_TRUE(ensemble.has_value()) << ensemble.error().message;
  EXPECT_EQ(margins(*ensemble, {0.0f, 0.0f, 1.0f, 0.0f}), (std::vector<float>{-0.5f, 0.5f}));
}

TEST(TreeEnsembleTest, AddsEachTreeToItsOutputInTreeOrder) {
  ModelText text;
  text.objective = "multi:softprob";
  text.num_class = "2";
  text.num_trees = "3";
  text.tree_info = "[0,1,0]";
  const std::string tree = treeJson({});
  text.trees = tree + "," + tree + "," + tree;
  auto ensemble = ensembleOf(text);
  ASSERT_TRUE(ensemble.has_value()) << ensemble.error().message;
  EXPECT_EQ(margins(*ensemble, {0.0f, 0.0f}), (std::vector<float>{-2.0f, -1.0f}));
  // 150 rows: blocks of 64 and a remainder agree with one row at a time.
  std::vector<float> rows;
  for (int i = 0; i < 150; ++i) rows.insert(rows.end(), {i % 3 == 0 ? 1.0f : 0.0f, 0.0f});
  const auto all = margins(*ensemble, rows);
  for (int i = 0; i < 150; ++i) {
    const auto one = margins(*ensemble, {rows[2 * i], rows[2 * i + 1]});
    EXPECT_EQ(one, (std::vector<float>{all[2 * i], all[2 * i + 1]})) << i;
  }
}

TEST(TreeEnsembleTest, RefusesNodesThatDoNotFormATree) {
  for (const auto& [left, right] : {std::pair{"[1,0,-1]", "[2,0,-1]"},    // a cycle to the root
                                    std::pair{"[1,-1,-1]", "[1,-1,-1]"},  // one child twice
                                    std::pair{"[0,-1,-1]", "[2,-1,-1]"}}) {
    TreeText tree;
    tree.left = left;
    tree.right = right;
    ModelText text;
    text.trees = treeJson(tree);
    auto ensemble = ensembleOf(text);
    ASSERT_FALSE(ensemble.has_value()) << left << right;
    EXPECT_NE(ensemble.error().message.find("is not a tree"), std::string::npos)
        << ensemble.error().message;
  }
}

TEST(TreeEnsembleTest, RefusesATreeDeeperThanTheLimit) {
  // A chain: node i splits into leaf 2i+1... written as left = i + 1, right = a leaf.
  const std::size_t depth = kMaxTreeDepth + 1;
  const std::size_t nodes = 2 * depth + 1;
  std::string left = "[", right = "[", features = "[", conditions = "[", defaults = "[";
  for (std::size_t i = 0; i < nodes; ++i) {
    const char* comma = i == 0 ? "" : ",";
    const bool split = i < depth;
    left += comma + std::to_string(split ? static_cast<long>(i + 1) : -1L);
    right += comma + std::to_string(split ? static_cast<long>(depth + 1 + i) : -1L);
    features += std::string(comma) + "0";
    conditions += std::string(comma) + "0.5";
    defaults += std::string(comma) + "0";
  }
  TreeText tree{left + "]",
                right + "]",
                features + "]",
                conditions + "]",
                defaults + "]",
                std::to_string(nodes),
                ""};
  ModelText text;
  text.trees = treeJson(tree);
  auto ensemble = ensembleOf(text);
  ASSERT_FALSE(ensemble.has_value());
  EXPECT_NE(ensemble.error().message.find("deeper than"), std::string::npos)
      << ensemble.error().message;
}

}  // namespace
}  // namespace aviary::sidecar::xgboost
