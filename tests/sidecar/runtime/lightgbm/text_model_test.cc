#include "sidecar/runtime/lightgbm/text_model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aviary::sidecar::lightgbm {
namespace {

// A regression model as lightgbm 4.x writes it: two features, one tree of three leaves.
const std::string kModel = R"(tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=1
objective=regression
feature_names=a b
feature_infos=[0:1] [0:2]
tree_sizes=330

Tree=0
num_leaves=3
num_cat=0
split_feature=0 1
split_gain=1 1
threshold=0.5 1.5
decision_type=2 0
left_child=1 -2
right_child=-1 -3
leaf_value=1 2 3
leaf_weight=1 1 1
leaf_count=1 1 1
internal_value=0 0
internal_weight=0 0
internal_count=2 1
is_linear=0
shrinkage=1


end of trees

feature_importances:
a=1
b=1

parameters:
[boosting: gbdt]
[linear_tree: 0]
end of parameters

pandas_categorical:null
)";

// The same model with a categorical split at the root: categories 1 and 33 go left.
std::string categoricalModel() {
  std::string text = kModel;
  text.replace(text.find("num_cat=0"), 9, "num_cat=1");
  text.replace(text.find("threshold=0.5 1.5"), 17, "threshold=0 1.5");
  text.replace(text.find("decision_type=2 0"), 17, "decision_type=1 0");
  text.replace(text.find("is_linear=0"), 11, "cat_boundaries=0 2\ncat_threshold=2 2\nis_linear=0");
  return text;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ReadTextModelTest, ReadsHeaderAndTreeIntoPlainStructs) {
  const auto model = readTextModel(kModel);
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_EQ(model->num_class, 1);
  EXPECT_EQ(model->num_tree_per_iteration, 1);
  EXPECT_EQ(model->numFeatures(), 2u);
  EXPECT_TRUE(model->has_objective);
  EXPECT_EQ(model->objective, "regression");
  EXPECT_FALSE(model->average_output);
  EXPECT_EQ(model->feature_names, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(model->trees.size(), 1u);
  const TextTree& tree = model->trees[0];
  EXPECT_EQ(tree.num_leaves, 3);
  EXPECT_EQ(tree.split_feature, (std::vector<int>{0, 1}));
  EXPECT_EQ(tree.threshold, (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(tree.decision_type, (std::vector<std::int8_t>{2, 0}));
  EXPECT_EQ(tree.left_child, (std::vector<int>{1, -2}));
  EXPECT_EQ(tree.right_child, (std::vector<int>{-1, -3}));
  EXPECT_EQ(tree.leaf_value, (std::vector<double>{1, 2, 3}));
}

TEST(ReadTextModelTest, AcceptsCrlfLineEndings) {
  std::string crlf;
  for (char c : kModel) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const auto model = readTextModel(crlf);
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_EQ(model->trees[0].leaf_value, (std::vector<double>{1, 2, 3}));
}

TEST(ReadTextModelTest, ReadsCategoricalBitsets) {
  const auto model = readTextModel(categoricalModel());
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_EQ(model->trees[0].cat_boundaries, (std::vector<int>{0, 2}));
  EXPECT_EQ(model->trees[0].cat_threshold, (std::vector<std::uint32_t>{2, 2}));
}

TEST(ReadTextModelTest, ReadsAverageOutputNoObjectiveAndConstantTrees) {
  std::string text = replaced(kModel, "objective=regression\n", "average_output\n");
  text = replaced(text, "num_leaves=3\n", "num_leaves=1\n");
  text = replaced(text, "leaf_value=1 2 3", "leaf_value=4.25");
  const auto model = readTextModel(text);
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_TRUE(model->average_output);
  EXPECT_FALSE(model->has_objective);
  EXPECT_EQ(model->trees[0].num_leaves, 1);
  EXPECT_EQ(model->trees[0].leaf_value, (std::vector<double>{4.25}));
}

TEST(ReadTextModelTest, DecisionTypeDefaultsToNumericalMissingNone) {
  const auto model = readTextModel(replaced(kModel, "decision_type=2 0\n", ""));
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_EQ(model->trees[0].decision_type, (std::vector<std::int8_t>{0, 0}));
}

struct Malformed {
  const char* what;
  std::string text;
  const char* error;  // the message names this
};

class ReadTextModelRefusesTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(ReadTextModelRefusesTest, WithAMessageNamingTheProblem) {
  const auto model = readTextModel(GetParam().text);
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(model.error().message.find(GetParam().error), std::string::npos)
      << model.error().message;
}

const std::string kCat = categoricalModel();

INSTANTIATE_TEST_SUITE_P(
    Table, ReadTextModelRefusesTest,
    ::testing::Values(
        Malformed{"empty", "", "not a LightGBM text model"},
        Malformed{"json", R"({"learner": {}})", "not a LightGBM text model"},
        Malformed{"old version", replaced(kModel, "version=v4", "version=v3"), "version"},
        Malformed{"no num_class", replaced(kModel, "num_class=1\n", ""), "num_class is missing"},
        Malformed{"absurd features", replaced(kModel, "max_feature_idx=1", "max_feature_idx=1e9"),
                  "max_feature_idx"},
        Malformed{"too many features",
                  replaced(kModel, "max_feature_idx=1", "max_feature_idx=99999999"), "outside"},
        Malformed{"name count", replaced(kModel, "feature_names=a b", "feature_names=a"),
                  "feature_names"},
        Malformed{"unknown header key", replaced(kModel, "label_index=0", "label_index=0\nx=1"),
                  "unsupported key \"x\""},
        Malformed{"duplicate header key",
                  replaced(kModel, "label_index=0", "label_index=0\nlabel_index=0"),
                  "appears twice"},
        Malformed{"array too long", replaced(kModel, "left_child=1 -2", "left_child=1 -2 -3"),
                  "left_child has 3 values, expected 2"},
        Malformed{"child loops", replaced(kModel, "left_child=1 -2", "left_child=0 -2"),
                  "does not make a tree"},
        Malformed{"leaf out of range", replaced(kModel, "left_child=1 -2", "left_child=1 -9"),
                  "does not make a tree"},
        Malformed{"leaf twice", replaced(kModel, "left_child=1 -2", "left_child=1 -1"),
                  "does not make a tree"},
        Malformed{"node out of range", replaced(kModel, "left_child=1 -2", "left_child=5 -2"),
                  "does not make a tree"},
        Malformed{"feature out of range",
                  replaced(kModel, "split_feature=0 1", "split_feature=0 2"),
                  "splits on feature 2"},
        Malformed{"missing type 3", replaced(kModel, "decision_type=2 0", "decision_type=14 0"),
                  "unknown decision_type 14"},
        Malformed{"decision type bits", replaced(kModel, "decision_type=2 0", "decision_type=16 0"),
                  "unknown decision_type 16"},
        Malformed{"categorical without sets",
                  replaced(kModel, "decision_type=2 0", "decision_type=1 0"), "bitset"},
        Malformed{"not a number", replaced(kModel, "threshold=0.5 1.5", "threshold=0.5 x"),
                  "threshold: \"x\" is not a number"},
        Malformed{"no leaves", replaced(kModel, "num_leaves=3", "num_leaves=0"), "num_leaves"},
        Malformed{"absurd leaves", replaced(kModel, "num_leaves=3", "num_leaves=999999999"),
                  "outside"},
        Malformed{"no leaf values", replaced(kModel, "leaf_value=1 2 3\n", ""),
                  "leaf_value is missing"},
        Malformed{"linear tree", replaced(kModel, "is_linear=0", "is_linear=1"), "linear trees"},
        Malformed{"linear parameters", replaced(kModel, "[linear_tree: 0]", "[linear_tree: 1]"),
                  "linear trees"},
        Malformed{"unknown tree key", replaced(kModel, "shrinkage=1", "shrinkage=1\nmystery=2"),
                  "unsupported key \"mystery\""},
        Malformed{"line without =", replaced(kModel, "shrinkage=1", "shrinkage"), "not key=value"},
        Malformed{"truncated", kModel.substr(0, kModel.find("end of trees")),
                  "no \"end of trees\""},
        Malformed{"garbage after trees", replaced(kModel, "end of trees", "the end"),
                  "expected a tree"},
        Malformed{"tree sizes", replaced(kModel, "tree_sizes=330", "tree_sizes=330 10"),
                  "tree_sizes lists 2 trees, the file has 1"},
        Malformed{"tree numbering", replaced(kModel, "Tree=0", "Tree=1"), "tree 0"},
        Malformed{"partial iteration",
                  replaced(kModel, "num_tree_per_iteration=1", "num_tree_per_iteration=2"),
                  "whole number of iterations"},
        Malformed{
            "no trees",
            kModel.substr(0, kModel.find("Tree=0")) + kModel.substr(kModel.find("end of trees")),
            "no trees"},
        Malformed{"set index", replaced(kCat, "threshold=0 1.5", "threshold=1 1.5"),
                  "names bitset 1 of 1"},
        Malformed{"fractional set index", replaced(kCat, "threshold=0 1.5", "threshold=0.5 1.5"),
                  "bitset"},
        Malformed{"set bounds", replaced(kCat, "cat_boundaries=0 2", "cat_boundaries=1 2"),
                  "start at 0"},
        Malformed{"set words", replaced(kCat, "cat_threshold=2 2", "cat_threshold=2"),
                  "cat_threshold has 1 values, expected 2"},
        Malformed{"negative set word", replaced(kCat, "cat_threshold=2 2", "cat_threshold=2 -2"),
                  "cat_threshold"},
        Malformed{"no set bounds", replaced(kCat, "cat_boundaries=0 2\n", ""),
                  "cat_boundaries is missing"}),
    [](const auto& info) {
      std::string name = info.param.what;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace aviary::sidecar::lightgbm
