#include "sidecar/protocol/batch.h"

#include <gtest/gtest.h>

namespace aviary::sidecar {
namespace {

const FeatureLayout kNamed{3, {"a", "b", "c"}};
const FeatureLayout kUnnamed{3, {}};

InferRequest parse(std::string_view body) {
  auto parsed = parseInferRequest(body);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  return parsed.value_or(InferRequest{});
}

Result<Batch> assemble(std::string_view body, const FeatureLayout& layout,
                       const std::string& group = "") {
  InferRequest request = parse(body);
  return assembleBatch(request, layout, group);
}

TEST(AssembleBatchTest, OneMatrixInputOfRowsByFeatures) {
  auto batch = assemble(
      R"({"inputs":[{"name":"input-0","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]})",
      kNamed);
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  EXPECT_EQ(batch->num_rows, 2u);
  EXPECT_EQ(batch->rows, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(AssembleBatchTest, OneFlatRowIsABatchOfOne) {
  auto batch = assemble(R"({"inputs":[{"name":"x","shape":[3],"datatype":"FP32","data":[1,2,3]}]})",
                        kUnnamed);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->num_rows, 1u);
}

TEST(AssembleBatchTest, NamedColumnsInAnyOrderAreInterleavedInFeatureOrder) {
  auto batch = assemble(R"({"inputs":[
      {"name":"c","shape":[2],"datatype":"FP32","data":[3,6]},
      {"name":"a","shape":[2,1],"datatype":"INT64","data":[1,4]},
      {"name":"b","shape":[2],"datatype":"BOOL","data":[true,false]}]})",
                        kNamed);
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  EXPECT_EQ(batch->rows, (std::vector<float>{1, 1, 3, 4, 0, 6}));
}

TEST(AssembleBatchTest, GroupInputLabelsRowsAndIsNotAFeature) {
  auto batch = assemble(R"({"inputs":[
      {"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]},
      {"name":"region","shape":[2],"datatype":"BYTES","data":["eu","us"]}]})",
                        kNamed, "region");
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  EXPECT_EQ(batch->groups, (std::vector<std::string>{"eu", "us"}));
}

TEST(AssembleBatchTest, NumericGroupsBecomeTheirText) {
  auto batch = assemble(R"({"inputs":[
      {"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]},
      {"name":"g","shape":[2,1],"datatype":"INT32","data":[0,1]}]})",
                        kNamed, "g");
  ASSERT_TRUE(batch.has_value()) << batch.error().message;
  EXPECT_EQ(batch->groups, (std::vector<std::string>{"0", "1"}));
}

struct BadBatch {
  const char* what;
  const char* body;
  FeatureLayout layout;
  const char* message;
};

class AssembleBatchErrorTest : public ::testing::TestWithParam<BadBatch> {};

TEST_P(AssembleBatchErrorTest, NamesTheInputAndTheExpectation) {
  auto batch = assemble(GetParam().body, GetParam().layout, "region");
  ASSERT_FALSE(batch.has_value()) << GetParam().what;
  EXPECT_EQ(batch.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(batch.error().message.find(GetParam().message), std::string::npos)
      << GetParam().what << ": " << batch.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, AssembleBatchErrorTest,
    ::testing::Values(
        BadBatch{"wrong width",
                 R"({"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2]}]})",
                 kNamed, "input 'x': expected shape [rows,3] or [3] (3 features), got [1,2]"},
        BadBatch{"zero rows",
                 R"({"inputs":[{"name":"x","shape":[0,3],"datatype":"FP32","data":[]}]})", kNamed,
                 "input 'x': no rows"},
        BadBatch{"bytes features",
                 R"({"inputs":[{"name":"x","shape":[3],"datatype":"BYTES","data":["a","b","c"]}]})",
                 kNamed, "input 'x': datatype BYTES cannot feed the model"},
        BadBatch{"unknown column",
                 R"({"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1]},
                               {"name":"z","shape":[1],"datatype":"FP32","data":[1]}]})",
                 kNamed, "input 'z' is not a feature of the model; features: a, b, c"},
        BadBatch{"missing column",
                 R"({"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1]},
                               {"name":"b","shape":[1],"datatype":"FP32","data":[1]}]})",
                 kNamed, "missing inputs for features: c"},
        BadBatch{"ragged columns",
                 R"({"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1]},
                               {"name":"b","shape":[2],"datatype":"FP32","data":[1,2]},
                               {"name":"c","shape":[1],"datatype":"FP32","data":[1]}]})",
                 kNamed, "input 'b' has 2 rows but input 'a' has 1"},
        BadBatch{"columns without names",
                 R"({"inputs":[{"name":"a","shape":[1],"datatype":"FP32","data":[1]},
                               {"name":"b","shape":[1],"datatype":"FP32","data":[1]}]})",
                 kUnnamed, "the model has no feature names"},
        BadBatch{"group count",
                 R"({"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]},
                               {"name":"region","shape":[1],"datatype":"BYTES","data":["eu"]}]})",
                 kNamed, "group input 'region' has 1 values for 2 rows"},
        BadBatch{"only group",
                 R"({"inputs":[{"name":"region","shape":[1],"datatype":"BYTES","data":["eu"]}]})",
                 kNamed, "no feature input"}));

}  // namespace
}  // namespace aviary::sidecar
