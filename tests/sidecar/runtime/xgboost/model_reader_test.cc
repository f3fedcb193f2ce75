#include "sidecar/runtime/xgboost/model_reader.h"

#include <gtest/gtest.h>

#include "tests/sidecar/fixtures.h"
#include "tests/sidecar/runtime/xgboost/model_text.h"

namespace aviary::sidecar::xgboost {
namespace {

using sidecar::testing::asBytes;
using testing::modelJson;
using testing::ModelText;
using testing::treeJson;
using testing::TreeText;

TEST(ModelReaderTest, ReadsAHandWrittenModel) {
  const std::string text = modelJson({});
  auto model = readModel(asBytes(text));
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_EQ(model->version, (std::array<int, 3>{3, 2, 0}));
  EXPECT_EQ(model->objective, "reg:squarederror");
  EXPECT_EQ(model->num_features, 2u);
  EXPECT_EQ(model->feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(model->base_score, std::vector<float>{0.5f});
  ASSERT_EQ(model->trees.size(), 1u);
  EXPECT_EQ(model->trees[0].left, (std::vector<std::int32_t>{1, -1, -1}));
  EXPECT_EQ(model->trees[0].value, (std::vector<float>{0.5f, -1.0f, 1.0f}));
  EXPECT_TRUE(model->tree_weight.empty());
}

TEST(ModelReaderTest, RepeatsAScalarInterceptForEveryOutputAndReadsAVector) {
  ModelText three_classes;
  three_classes.objective = "multi:softprob";
  three_classes.num_class = "3";
  auto scalar = readModel(asBytes(modelJson(three_classes)));
  ASSERT_TRUE(scalar.has_value()) << scalar.error().message;
  EXPECT_EQ(scalar->base_score, (std::vector<float>{0.5f, 0.5f, 0.5f}));

  three_classes.base_score = "[1E-1,2E-1,7E-1]";
  auto vector = readModel(asBytes(modelJson(three_classes)));
  ASSERT_TRUE(vector.has_value()) << vector.error().message;
  EXPECT_EQ(vector->base_score, (std::vector<float>{0.1f, 0.2f, 0.7f}));
}

TEST(ModelReaderTest, ReadsDartWeightsAndCategorySets) {
  ModelText dart;
  dart.booster = "dart";
  TreeText categorical;
  categorical.extra = R"(,"split_type":[1,0,0],"categories_nodes":[0],"categories_segments":[0],)"
                      R"("categories_sizes":[2],"categories":[1,33])";
  dart.trees = treeJson(categorical);
  auto model = readModel(asBytes(modelJson(dart)));
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_EQ(model->tree_weight, std::vector<float>{0.5f});
  const Tree& tree = model->trees[0];
  EXPECT_EQ(tree.categorical, (std::vector<std::uint8_t>{1, 0, 0}));
  ASSERT_EQ(tree.category_size[0], 2u);
  EXPECT_EQ(tree.category_words[0], 1u << 1);
  EXPECT_EQ(tree.category_words[1], 1u << 1);  // 33 = 32 + 1
}

TEST(ModelReaderTest, ReadsNonFiniteWordsOfXGBoostsJson) {
  TreeText tree;
  tree.conditions = "[0.5,NaN,-Infinity]";
  ModelText text;
  text.trees = treeJson(tree);
  auto model = readModel(asBytes(modelJson(text)));
  ASSERT_TRUE(model.has_value()) << model.error().message;
  EXPECT_TRUE(std::isnan(model->trees[0].value[1]));
  EXPECT_EQ(model->trees[0].value[2], -std::numeric_limits<float>::infinity());
}

struct Refusal {
  std::string name;
  std::string model;
  std::string reason;  // a part of the error message
};

std::vector<Refusal> refusals() {
  auto with_tree = [](TreeText tree) {
    ModelText model;
    model.trees = treeJson(tree);
    return modelJson(model);
  };
  auto with = [](auto edit) {
    ModelText model;
    edit(model);
    return modelJson(model);
  };
  TreeText out_of_range;
  out_of_range.left = "[7,-1,-1]";
  TreeText one_child;
  one_child.right = "[-1,-1,-1]";
  TreeText short_array;
  short_array.conditions = "[0.5,1.0]";
  TreeText bad_feature;
  bad_feature.features = "[2,0,0]";
  TreeText huge;
  huge.nodes = "99999999999";
  TreeText vector_leaf;
  vector_leaf.extra = "";
  std::string vector_leaf_model = with_tree(vector_leaf);
  vector_leaf_model.replace(vector_leaf_model.find(R"("size_leaf_vector":"1")"), 22,
                            R"("size_leaf_vector":"2")");
  TreeText big_category;
  big_category.extra = R"(,"split_type":[1,0,0],"categories_nodes":[0],"categories_segments":[0],)"
                       R"("categories_sizes":[1],"categories":[16777216])";
  TreeText category_overrun;
  category_overrun.extra =
      R"(,"split_type":[1,0,0],"categories_nodes":[0],"categories_segments":[0],)"
      R"("categories_sizes":[3],"categories":[1])";
  return {
      {"ChildOutOfRange", with_tree(out_of_range), "left_children"},
      {"OneChild", with_tree(one_child), "has one child"},
      {"ShortArray", with_tree(short_array), "split_conditions"},
      {"FeatureOutOfRange", with_tree(bad_feature), "feature 2 of 2"},
      {"AbsurdNodeCount", with_tree(huge), "num_nodes"},
      {"VectorLeaves", vector_leaf_model, "multi_output_tree"},
      {"CategoryBeyondXGBoostsBound", with_tree(big_category), "categories"},
      {"CategoriesPastTheList", with_tree(category_overrun), "categories_sizes"},
      {"Gblinear", with([](ModelText& m) { m.booster = "gblinear"; }), "gblinear"},
      {"TreeInfoBeyondOutputs", with([](ModelText& m) { m.tree_info = "[1]"; }), "tree_info"},
      {"TreeCount", with([](ModelText& m) { m.num_trees = "2"; }), "does not hold 2 trees"},
      {"InterceptCount", with([](ModelText& m) { m.base_score = "[1E0,2E0]"; }),
       "base_score has 2 items"},
      {"InterceptNotANumber", with([](ModelText& m) { m.base_score = "NaN"; }), "base_score"},
      {"LegacyBinary", "binf\x01\x02\x03", "legacy binary"},
      {"NotAModel", "hello", "not an XGBoost model"},
      {"TruncatedJson", modelJson({}).substr(0, 100), "not valid JSON"},
      {"TooDeep", "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}", "nested"},
      // UBJSON: an array of a billion nulls in a few bytes.
      {"PayloadlessUbjsonItems",
       std::string("{i\x01"
                   "a[$Z#l\x40\x00\x00\x00}",
                   14),
       "more values than the input can hold"},
  };
}

class ModelReaderRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(ModelReaderRefusalTest, RefusesNamingTheReason) {
  auto model = readModel(asBytes(GetParam().model));
  ASSERT_FALSE(model.has_value());
  EXPECT_EQ(model.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(model.error().message.find(GetParam().reason), std::string::npos)
      << model.error().message;
}

INSTANTIATE_TEST_SUITE_P(MalformedAndUnsupported, ModelReaderRefusalTest,
                         ::testing::ValuesIn(refusals()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace aviary::sidecar::xgboost
