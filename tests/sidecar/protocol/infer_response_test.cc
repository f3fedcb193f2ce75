#include "sidecar/protocol/infer_response.h"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace aviary::sidecar {
namespace {

TEST(EncodeInferResponseTest, WritesTheProtocolShapeWithRoundTrippingFloats) {
  const std::vector<int64_t> shape = {3};
  const std::vector<float> values = {0.1f, 1e-7f, 0.33333334f};
  const OutputTensor output{"predict", shape, values};
  const std::string body = encodeInferResponse("churn", "v1", "req \"7\"", {&output, 1});
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
      encodeInferResponse("m", "", "", {&output, 1}),
      R"({"model_name":"m","outputs":[{"name":"predict","datatype":"FP32","shape":[1],"data":[null]}]})");
}

}  // namespace
}  // namespace aviary::sidecar
