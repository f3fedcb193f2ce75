#include "sidecar/protocol/infer_response.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace aviary::sidecar {
namespace {

TEST(EncodeInferResponseTest, WritesTheProtocolShapeWithRoundTrippingFloats) {
  const std::vector<int64_t> shape = {3};
  const std::vector<float> values = {0.1f, 1e-7f, 0.33333334f};
  const OutputTensor output{"predict", shape, values};
  const std::string body = encodeInferResponse("churn", "v1", "req \"7\"", {&output, 1}).body;
  const auto json = nlohmann::json::parse(body);
  EXPECT_EQ(json["model_name"], "churn");
  EXPECT_EQ(json["model_version"], "v1");
  EXPECT_EQ(json["id"], "req \"7\"");
  EXPECT_EQ(json["outputs"][0]["name"], "predict");
  EXPECT_EQ(json["outputs"][0]["datatype"], "FP32");
  EXPECT_EQ(json["outputs"][0]["shape"], nlohmann::json::array({3}));
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(static_cast<float>(json["outputs"][0]["data"][i].get<double>()), values[i]);
  }
}

TEST(EncodeInferResponseTest, OmitsEmptyIdAndVersionAndWritesNonFiniteAsNull) {
  const std::vector<int64_t> shape = {1};
  const std::vector<float> values = {std::numeric_limits<float>::infinity()};
  const OutputTensor output{"predict", shape, values};
  EXPECT_EQ(
      encodeInferResponse("m", "", "", {&output, 1}).body,
      R"({"model_name":"m","outputs":[{"name":"predict","datatype":"FP32","shape":[1],"data":[null]}]})");
}

TEST(EncodeInferResponseTest, BinaryOutputsFollowTheJsonAndKeepNonFiniteValues) {
  const std::vector<int64_t> shape = {3};
  const std::vector<float> values = {0.25f, std::numeric_limits<float>::quiet_NaN(), -1.0f};
  const OutputTensor output{"predict", shape, values, /*binary=*/true};
  const EncodedResponse encoded = encodeInferResponse("m", "", "r", {&output, 1});
  ASSERT_TRUE(encoded.json_length.has_value());
  EXPECT_EQ(encoded.body.substr(0, *encoded.json_length),
            R"({"model_name":"m","id":"r","outputs":[{"name":"predict","datatype":"FP32",)"
            R"("shape":[3],"parameters":{"binary_data_size":12}}]})");
  ASSERT_EQ(encoded.body.size(), *encoded.json_length + 12);
  std::vector<float> back(3);
  std::memcpy(back.data(), encoded.body.data() + *encoded.json_length, 12);
  EXPECT_EQ(back[0], 0.25f);
  EXPECT_TRUE(std::isnan(back[1]));
  EXPECT_EQ(back[2], -1.0f);
}

TEST(EncodeInferResponseTest, AllJsonOutputsHaveNoJsonLength) {
  const std::vector<int64_t> shape = {1};
  const std::vector<float> values = {1.0f};
  const OutputTensor output{"predict", shape, values};
  EXPECT_FALSE(encodeInferResponse("m", "", "", {&output, 1}).json_length.has_value());
}

}  // namespace
}  // namespace aviary::sidecar
