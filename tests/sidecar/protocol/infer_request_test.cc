#include "sidecar/protocol/infer_request.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>

namespace aviary::sidecar {
namespace {

std::string errorOf(std::string_view body) {
  auto parsed = parseInferRequest(body);
  EXPECT_FALSE(parsed.has_value()) << body;
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
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
  EXPECT_EQ(parsed->outputs, (std::vector<RequestedOutput>{{"predict", std::nullopt}}));
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
  EXPECT_EQ(parsed->outputs, (std::vector<RequestedOutput>{{"predict", false}}));
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

// Little-endian bytes of each value, as the binary tensor extension packs them.
template <typename T>
std::string packed(std::initializer_list<T> values) {
  std::string out;
  for (const T value : values) out.append(reinterpret_cast<const char*>(&value), sizeof value);
  return out;
}

std::string lengthPrefixed(std::initializer_list<std::string_view> values) {
  std::string out;
  for (const std::string_view value : values) {
    out += packed<uint32_t>({static_cast<uint32_t>(value.size())});
    out += value;
  }
  return out;
}

TEST(ParseInferRequestTest, BinaryInputsFollowTheJsonInTheirOrder) {
  const std::string json = R"({"inputs":[
    {"name":"x","shape":[2,2],"datatype":"FP32","parameters":{"binary_data_size":16}},
    {"name":"json","shape":[1],"datatype":"FP32","data":[0.5]},
    {"name":"n","shape":[2],"datatype":"INT64","parameters":{"binary_data_size":16}},
    {"name":"d","shape":[1],"datatype":"FP64","parameters":{"binary_data_size":8}},
    {"name":"b","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}},
    {"name":"g","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":14}}],
    "outputs":[{"name":"predict","parameters":{"binary_data":true}}]})";
  const std::string body = json + packed<float>({1.5f, -2, 3, 4}) + packed<int64_t>({-7, 1}) +
                           packed<double>({0.25}) + std::string("\x01\x00\x01", 3) +
                           lengthPrefixed({"eu", "apac"});
  auto parsed = parseInferRequest(body, json.size());
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->inputs[0].values, (std::vector<float>{1.5f, -2, 3, 4}));
  EXPECT_EQ(parsed->inputs[1].values, std::vector<float>{0.5f});
  EXPECT_EQ(parsed->inputs[2].values, (std::vector<float>{-7, 1}));
  EXPECT_EQ(parsed->inputs[3].values, std::vector<float>{0.25f});
  EXPECT_EQ(parsed->inputs[4].values, (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(parsed->inputs[5].strings, (std::vector<std::string>{"eu", "apac"}));
  EXPECT_EQ(parsed->outputs, (std::vector<RequestedOutput>{{"predict", true}}));
}

TEST(ParseInferRequestTest, BinaryDataOutputIsTheDefaultForOutputsThatDoNotSay) {
  auto parsed = parseInferRequest(R"({"parameters":{"binary_data_output":true},
    "inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],
    "outputs":[{"name":"a"},{"name":"b","parameters":{"binary_data":false}}]})");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->binary_outputs);
  EXPECT_EQ(parsed->outputs, (std::vector<RequestedOutput>{{"a", std::nullopt}, {"b", false}}));
}

struct BadBinaryRequest {
  const char* what;
  std::string json;
  std::string binary;
  bool with_header;
  const char* message;
};

class ParseBinaryRequestErrorTest : public ::testing::TestWithParam<BadBinaryRequest> {};

TEST_P(ParseBinaryRequestErrorTest, NamesTheProblem) {
  const BadBinaryRequest& bad = GetParam();
  auto parsed = parseInferRequest(bad.json + bad.binary,
                                  bad.with_header ? std::optional(bad.json.size()) : std::nullopt);
  ASSERT_FALSE(parsed.has_value()) << bad.what;
  EXPECT_NE(parsed.error().message.find(bad.message), std::string::npos)
      << bad.what << ": " << parsed.error().message;
}

std::string binaryInput(std::string_view datatype, std::string_view shape, int size) {
  return fmt::format(
      R"({{"inputs":[{{"name":"x","shape":{},"datatype":"{}","parameters":{{"binary_data_size":{}}}}}]}})",
      shape, datatype, size);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseBinaryRequestErrorTest,
    ::testing::Values(
        BadBinaryRequest{"no header", binaryInput("FP32", "[1]", 4), "", false,
                         "input 'x': binary_data_size needs the Inference-Header-Content-Length"},
        BadBinaryRequest{"size against shape", binaryInput("FP32", "[2]", 4), packed<float>({1}),
                         true,
                         "input 'x': binary_data_size is 4 bytes; shape [2] of FP32 needs 8 "
                         "(4 bytes each)"},
        BadBinaryRequest{"runs past the end", binaryInput("FP32", "[2]", 8), packed<float>({1}),
                         true, "input 'x': binary_data_size 8 runs past the binary data"},
        BadBinaryRequest{"bytes left over", binaryInput("FP32", "[1]", 4), packed<float>({1, 2}),
                         true,
                         "the body has 8 bytes after the JSON, but the inputs' "
                         "binary_data_size add up to 4"},
        BadBinaryRequest{"both data and binary",
                         R"({"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],
                             "parameters":{"binary_data_size":4}}]})",
                         packed<float>({1}), true,
                         "input 'x': has both 'data' and parameters.binary_data_size"},
        BadBinaryRequest{"negative size", binaryInput("FP32", "[1]", -4), "", true,
                         "binary_data_size must be a non-negative integer"},
        BadBinaryRequest{"bool not 0 or 1", binaryInput("BOOL", "[2]", 2), "\x01\x02", true,
                         "input 'x': binary BOOL element 1 is 2; expected 0 or 1"},
        BadBinaryRequest{"bytes length past the end", binaryInput("BYTES", "[1]", 6),
                         packed<uint32_t>({9}) + "ab", true,
                         "binary BYTES element 0 declares 9 bytes, only 2 are left"},
        BadBinaryRequest{"bytes elements short", binaryInput("BYTES", "[2]", 6),
                         lengthPrefixed({"ab"}), true,
                         "binary BYTES data ends inside element 1's length"}));

TEST(ParseInferRequestTest, JsonLengthBeyondTheBodyIsRefused) {
  auto parsed = parseInferRequest("{}", 3);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "Inference-Header-Content-Length 3 exceeds the body's 2 bytes");
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
