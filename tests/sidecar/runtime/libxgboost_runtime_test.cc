#include "sidecar/runtime/libxgboost_runtime.h"

#include <gtest/gtest.h>

#include "tests/sidecar/fixtures.h"
#include "tests/sidecar/runtime/xgboost_contract.h"

namespace aviary::sidecar {
namespace {

using testing::asBytes;
using testing::loadCases;
using testing::loadRuntime;
using testing::readFile;
using testing::repeatRows;

// libxgboost is not served (the native runtime is); it stays as the reference for the bench
// and for models saved by xgboost 1.7.
ModelRuntime::Ptr loadFixture(const std::string& file) {
  return loadRuntime<LibXGBoostRuntime>(file);
}

// The legacy binary format, which only libxgboost reads (JSON and UBJSON: the contract above).
TEST(LibXGBoostRuntimeTest, PredictsExactlyWhatXGBoostPythonPredictsFromTheBinaryFormat) {
  const auto cases = loadCases("binary");
  const auto runtime = loadFixture("binary.bin");
  ASSERT_EQ(runtime->metadata().num_features, 8u);

  auto value = runtime->predict(cases.rows, cases.num_rows, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->shape, (std::vector<int64_t>{static_cast<int64_t>(cases.num_rows)}));
  EXPECT_EQ(value->values, cases.value);

  auto margin = runtime->predict(cases.rows, cases.num_rows, PredictKind::kMargin);
  ASSERT_TRUE(margin.has_value()) << margin.error().message;
  EXPECT_EQ(margin->values, cases.margin);
}

TEST(LibXGBoostRuntimeTest, InplacePathForLargeBatchesAgreesWithSmallBatchPath) {
  const auto cases = loadCases("binary");
  const auto runtime = loadFixture("binary.json");
  const std::size_t times = LibXGBoostRuntime::kInplaceMinRows / cases.num_rows + 1;
  const auto rows = repeatRows(cases.rows, times);
  auto value = runtime->predict(rows, cases.num_rows * times, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->values, repeatRows(cases.value, times));
  auto margin = runtime->predict(rows, cases.num_rows * times, PredictKind::kMargin);
  ASSERT_TRUE(margin.has_value()) << margin.error().message;
  EXPECT_EQ(margin->values, repeatRows(cases.margin, times));
}

TEST(LibXGBoostRuntimeTest, GarbageArtifactFailsToLoadWithTheLibraryReason) {
  LibXGBoostRuntime runtime;
  const std::string garbage = "{\"not\": \"a model\"}";
  auto loaded = runtime.load(asBytes(garbage));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("xgboost"), std::string::npos);
}

}  // namespace

namespace testing {
INSTANTIATE_TYPED_TEST_SUITE_P(LibXGBoost, XGBoostRuntimeContract, LibXGBoostRuntime);
}  // namespace testing

}  // namespace aviary::sidecar
