#include "sidecar/protocol/infer_request.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aviary::sidecar {
namespace {

std::string errorOf(std::string_view body) {
  auto parsed = parseInferRequest(body);
  EXPECT_FALSE(parsed.has_value()) << body;
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code, "InvalidArgument");
  return parsed.error().message;
}

TEST(ParseInferRequestTest, ReadsIdInputsOutputsAndParameters) {
  auto parsed = parseInferRequest(R"({
    "id": "req-1",
    "inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2.5, -3, 4e2]}],
    "outputs": [{"name": "predict"}],
    "parameters": {"output_margin": true, "audit_payload": true}
  })");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->id, "req-1");
  ASSERT_EQ(parsed->inputs.size(), 1u);
  EXPECT_EQ(parsed->inputs[0].name, "x");
  EXPECT_EQ(parsed->inputs[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(parsed->inputs[0].values, (std::vector<float>{1, 2.5f, -3, 400}));
  EXPECT_EQ(parsed->outputs, std::vector<std::string>{"predict"});
  EXPECT_TRUE(parsed->output_margin);
  EXPECT_TRUE(parsed->audit_payload);
}

TEST(ParseInferRequestTest, NestedDataIsFlattenedRowMajor) {
  auto parsed = parseInferRequest(
      R"({"inputs":[{"name":"x","shape":[2,3],"datatype":"FP64","data":[[1,2,3],[4,5,6]]}]})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs[0].values, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(ParseInferRequestTest, NullIsAMissingValue) {
  auto parsed = parseInferRequest(
      R"({"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[null, 1]}]})");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(std::isnan(parsed->inputs[0].values[0]));
}

TEST(ParseInferRequestTest, ConvertsIntegerBoolAndBytesTypes) {
  auto parsed = parseInferRequest(R"({"inputs":[
    {"name":"i32","shape":[2],"datatype":"INT32","data":[-7, 2147483647]},
    {"name":"i64","shape":[1],"datatype":"INT64","data":[9007199254740993]},
    {"name":"b","shape":[2],"datatype":"BOOL","data":[true,false]},
    {"name":"g","shape":[2],"datatype":"BYTES","data":["eu","us"]}]})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs[0].values, (std::vector<float>{-7, 2147483647.0f}));
  EXPECT_EQ(parsed->inputs[1].values, (std::vector<float>{9007199254740992.0f}));
  EXPECT_EQ(parsed->inputs[2].values, (std::vector<float>{1, 0}));
  EXPECT_EQ(parsed->inputs[3].strings, (std::vector<std::string>{"eu", "us"}));
}

TEST(ParseInferRequestTest, MembersMayComeInAnyOrder) {
  // `data` before `datatype` and `name` is kept as text and converted once the tensor is known.
  auto parsed = parseInferRequest(R"({"parameters":{"output_margin":true},
    "inputs":[{"data":[[1,2],[3,null]],"shape":[2,2],"datatype":"FP32","name":"x"},
              {"shape":[1],"data":[7],"name":"n","datatype":"INT64"}],
    "id":"late"})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->id, "late");
  ASSERT_EQ(parsed->inputs[0].values.size(), 4u);
  EXPECT_EQ(parsed->inputs[0].values[2], 3.0f);
  EXPECT_TRUE(std::isnan(parsed->inputs[0].values[3]));
  EXPECT_EQ(parsed->inputs[1].values, std::vector<float>{7});
  EXPECT_TRUE(parsed->output_margin);
}

TEST(ParseInferRequestTest, SkipsUnknownMembersAndTensorParameters) {
  auto parsed = parseInferRequest(R"({"model_hint":{"nested":[1,{"a":"b"}]},
    "inputs":[{"name":"x\u00e9","shape":[1],"datatype":"FP32","data":[0.1],
               "parameters":{"content_type":"np"}}],
    "outputs":[{"name":"predict","parameters":{"binary_data":false}}],
    "parameters":{"output_margin":"yes","audit_payload":false,"other":[1]}})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs[0].name, "x\xc3\xa9");
  EXPECT_EQ(parsed->inputs[0].values, std::vector<float>{0.1f});
  EXPECT_EQ(parsed->outputs, std::vector<std::string>{"predict"});
  EXPECT_FALSE(parsed->output_margin);  // only a JSON boolean turns it on
}

TEST(ParseInferRequestTest, NumbersRoundToDoubleThenToFloat32) {
  // As a JSON library then a cast would: beyond float's range is infinity, below it zero.
  auto parsed = parseInferRequest(R"({"inputs":[{"name":"x","shape":[3],"datatype":"FP32",
    "data":[0.1234567890123456789, 1e39, -1e-400]}]})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs[0].values[0], static_cast<float>(0.1234567890123456789));
  EXPECT_TRUE(std::isinf(parsed->inputs[0].values[1]));
  EXPECT_EQ(parsed->inputs[0].values[2], 0.0f);
}

struct BadRequest {
  const char* what;
  const char* body;
  const char* message;  // substring of the expected error
};

class ParseInferRequestErrorTest : public ::testing::TestWithParam<BadRequest> {};

TEST_P(ParseInferRequestErrorTest, NamesTheProblem) {
  EXPECT_NE(errorOf(GetParam().body).find(GetParam().message), std::string::npos)
      << GetParam().what << ": " << errorOf(GetParam().body);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseInferRequestErrorTest,
    ::testing::Values(
        BadRequest{"not json", "{", "not valid JSON"},
        BadRequest{"not an object", "[1]", "must be a JSON object"},
        BadRequest{"no inputs", "{}", "'inputs' must be a non-empty array"},
        BadRequest{"empty inputs", R"({"inputs":[]})", "'inputs' must be a non-empty array"},
        BadRequest{"input not object", R"({"inputs":[3]})", "inputs[0] must be an object"},
        BadRequest{"no name", R"({"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]})",
                   "inputs[0] needs a non-empty string 'name'"},
        BadRequest{"bad shape",
                   R"({"inputs":[{"name":"x","shape":[-1],"datatype":"FP32","data":[1]}]})",
                   "input 'x': 'shape' must be an array of non-negative integers"},
        BadRequest{
            "shape mismatch",
            R"({"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5]}]})",
            "input 'x': shape [2,3] needs 6 elements, 'data' has 5"},
        BadRequest{"unknown datatype",
                   R"({"inputs":[{"name":"x","shape":[1],"datatype":"FP16","data":[1]}]})",
                   "input 'x': unsupported datatype 'FP16'"},
        BadRequest{"string in FP32",
                   R"({"inputs":[{"name":"x","shape":[2],"datatype":"FP32","data":[1,"a"]}]})",
                   "input 'x': datatype FP32 expects numbers (or null for a missing value), "
                   "element 1 is a string"},
        BadRequest{"float in INT64",
                   R"({"inputs":[{"name":"n","shape":[1],"datatype":"INT64","data":[1.5]}]})",
                   "input 'n': datatype INT64 expects integers, element 0 is a number"},
        BadRequest{
            "INT32 overflow",
            R"({"inputs":[{"name":"n","shape":[1],"datatype":"INT32","data":[2147483648]}]})",
            "input 'n': element 0 is out of INT32 range"},
        BadRequest{"number in BOOL",
                   R"({"inputs":[{"name":"b","shape":[1],"datatype":"BOOL","data":[1]}]})",
                   "input 'b': datatype BOOL expects true or false"},
        BadRequest{"missing data", R"({"inputs":[{"name":"x","shape":[1],"datatype":"FP32"}]})",
                   "input 'x': 'data' is missing"},
        BadRequest{"duplicate input",
                   R"({"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},
                                 {"name":"x","shape":[1],"datatype":"FP32","data":[1]}]})",
                   "input 'x' appears twice"},
        BadRequest{"id not string",
                   R"({"id":3,"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]})",
                   "'id' must be a string"},
        BadRequest{
            "huge shape",
            R"({"inputs":[{"name":"x","shape":[100000,100000,100000],"datatype":"FP32","data":[1]}]})",
            "is too large"}));

}  // namespace
}  // namespace aviary::sidecar
