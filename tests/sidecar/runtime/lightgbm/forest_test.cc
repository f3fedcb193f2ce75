#include "sidecar/runtime/lightgbm/forest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace aviary::sidecar::lightgbm {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// One split on feature 0: left leaf 1.0, right leaf 2.0.
TextModel stump(std::int8_t decision_type, double threshold) {
  TextModel model;
  model.max_feature_idx = 0;
  model.feature_names = {"x"};
  TextTree tree;
  tree.num_leaves = 2;
  tree.split_feature = {0};
  tree.threshold = {threshold};
  tree.decision_type = {decision_type};
  tree.left_child = {-1};
  tree.right_child = {-2};
  tree.leaf_value = {1.0, 2.0};
  model.trees.push_back(tree);
  return model;
}

TextModel categoricalStump(std::vector<std::uint32_t> words) {
  TextModel model = stump(kCategoricalBit, 0.0);
  model.trees[0].num_cat = 1;
  model.trees[0].cat_boundaries = {0, static_cast<int>(words.size())};
  model.trees[0].cat_threshold = std::move(words);
  return model;
}

const char* side(const Forest& forest, float x) {
  double out = 0;
  forest.predictRaw(&x, 1, &out);
  return out == 1.0 ? "left" : out == 2.0 ? "right" : "neither";
}

constexpr std::int8_t kNone = 0;
constexpr std::int8_t kZeroMissing = 1 << 2;
constexpr std::int8_t kNanMissing = 2 << 2;
constexpr std::int8_t kLeft = kDefaultLeftBit;

struct Decision {
  const char* what;
  std::int8_t decision_type;
  double threshold;
  float x;
  const char* side;
};

class NumericalDecisionTest : public ::testing::TestWithParam<Decision> {};

TEST_P(NumericalDecisionTest, FollowsLightgbm) {
  const Forest forest(stump(GetParam().decision_type, GetParam().threshold));
  EXPECT_STREQ(side(forest, GetParam().x), GetParam().side);
}

INSTANTIATE_TEST_SUITE_P(
    Table, NumericalDecisionTest,
    ::testing::Values(
        Decision{"at threshold", kNone, 0.5, 0.5f, "left"},
        Decision{"above", kNone, 0.5, 0.50000006f, "right"},
        // A double threshold between two floats: the float below goes left, the one above right.
        Decision{"float below double", kNone, 0.1, 0.099999994f, "left"},
        Decision{"float above double", kNone, 0.1, 0.1f, "right"},
        Decision{"none: NaN is 0, left", kNone, 0.5, kNaN, "left"},
        Decision{"none: NaN is 0, right", kNone, -0.5, kNaN, "right"},
        Decision{"none ignores default", kNone | kLeft, -0.5, kNaN, "right"},
        Decision{"zero: NaN default right", kZeroMissing, 0.5, kNaN, "right"},
        Decision{"zero: NaN default left", kZeroMissing | kLeft, -0.5, kNaN, "left"},
        Decision{"zero: 0 default right", kZeroMissing, 0.5, 0.0f, "right"},
        Decision{"zero: -0 default left", kZeroMissing | kLeft, -0.5, -0.0f, "left"},
        Decision{"zero: tiny is 0", kZeroMissing, 0.5, 1e-36f, "right"},
        Decision{"zero: 1e-35 is 0", kZeroMissing, 0.5, -1e-35f, "right"},
        Decision{"zero: above 1e-35 compares", kZeroMissing, 0.5, 2e-35f, "left"},
        Decision{"nan: NaN default left", kNanMissing | kLeft, -0.5, kNaN, "left"},
        Decision{"nan: NaN default right", kNanMissing, 0.5, kNaN, "right"},
        Decision{"nan: 0 compares", kNanMissing, 0.5, 0.0f, "left"},
        // |x| <= 1e-35 is 0 before any comparison: 0 <= -1e-35 is false though x <= it.
        Decision{"tiny rounds to 0", kNone, -1e-35, -1e-35f, "right"},
        Decision{"inf", kNone, 1e300, kInf, "right"},
        Decision{"-inf", kNone, -1e300, -kInf, "left"},
        Decision{"max float", kNone, 1e300, std::numeric_limits<float>::max(), "left"},
        Decision{"NaN threshold", kNone, std::nan(""), 1.0f, "right"}),
    [](const auto& info) {
      std::string name = info.param.what;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(CategoricalDecisionTest, SetBitsGoLeftEverythingElseRight) {
  // Categories 1 and 33 (bit 1 of words 0 and 1).
  const Forest forest(categoricalStump({2u, 2u}));
  EXPECT_STREQ(side(forest, 1.0f), "left");
  EXPECT_STREQ(side(forest, 33.0f), "left");
  EXPECT_STREQ(side(forest, 1.9f), "left");  // truncated to 1
  EXPECT_STREQ(side(forest, 2.0f), "right");
  EXPECT_STREQ(side(forest, 65.0f), "right");  // beyond the bitset
  EXPECT_STREQ(side(forest, kNaN), "right");
  EXPECT_STREQ(side(forest, -1.0f), "right");
  EXPECT_STREQ(side(forest, 3e9f), "right");  // beyond int: negative on conversion
  EXPECT_STREQ(side(forest, kInf), "right");
}

TEST(CategoricalDecisionTest, FractionsAboveMinusOneTruncateToCategoryZero) {
  const Forest forest(categoricalStump({1u}));
  EXPECT_STREQ(side(forest, -0.5f), "left");
  EXPECT_STREQ(side(forest, 0.0f), "left");
  EXPECT_STREQ(side(forest, 1e-40f), "left");
  EXPECT_STREQ(side(forest, -1.0f), "right");
}

TEST(ForestTest, SumsEachOutputsTreesInIterationOrder) {
  // Two outputs, two iterations; tree t belongs to output t % 2.
  TextModel model = stump(kNone, 0.5);
  model.num_class = model.num_tree_per_iteration = 2;
  const TextTree base = model.trees[0];
  model.trees.clear();
  for (double leaf : {1.0, 10.0, 1e-17, 20.0}) {
    TextTree tree = base;
    tree.leaf_value = {leaf, -leaf};
    model.trees.push_back(tree);
  }
  const Forest forest(model);
  EXPECT_EQ(forest.outputsPerRow(), 2u);
  const std::vector<float> rows{0.0f, 1.0f};
  std::vector<double> out(4);
  forest.predictRaw(rows.data(), 2, out.data());
  EXPECT_EQ(out, (std::vector<double>{1.0 + 1e-17, 30.0, -1.0 - 1e-17, -30.0}));
}

TEST(ForestTest, WalksDeeperTreesAndConstantTrees) {
  TextModel model;
  model.max_feature_idx = 1;
  model.feature_names = {"a", "b"};
  TextTree tree;  // a <= 0 ? (b <= 0 ? 1 : 2) : 3
  tree.num_leaves = 3;
  tree.split_feature = {0, 1};
  tree.threshold = {0.0, 0.0};
  tree.decision_type = {0, 0};
  tree.left_child = {1, -1};
  tree.right_child = {-3, -2};
  tree.leaf_value = {1.0, 2.0, 3.0};
  TextTree constant;
  constant.leaf_value = {100.0};
  model.trees = {tree, constant};
  const Forest forest(model);
  const std::vector<float> rows{-1, -1, -1, 1, 1, -1};
  std::vector<double> out(3);
  // 200 rows: more than one block of rows.
  std::vector<float> many;
  for (int i = 0; i < 200; ++i)
    many.insert(many.end(), rows.begin() + (i % 3) * 2, rows.begin() + (i % 3) * 2 + 2);
  std::vector<double> many_out(200);
  forest.predictRaw(many.data(), 200, many_out.data());
  forest.predictRaw(rows.data(), 3, out.data());
  EXPECT_EQ(out, (std::vector<double>{101.0, 102.0, 103.0}));
  for (int i = 0; i < 200; ++i) EXPECT_EQ(many_out[i], out[i % 3]) << i;
}

}  // namespace
}  // namespace aviary::sidecar::lightgbm
