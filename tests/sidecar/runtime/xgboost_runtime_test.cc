#include "sidecar/runtime/xgboost_runtime.h"

#include <gtest/gtest.h>

#include "sidecar/runtime/factory.h"
#include "sidecar/runtime/libxgboost_runtime.h"
#include "tests/sidecar/fixtures.h"
#include "tests/sidecar/runtime/xgboost_contract.h"

namespace aviary::sidecar {
namespace {

using testing::asBytes;
using testing::loadCases;
using testing::loadRuntime;
using testing::readFile;
using testing::repeatRows;

ModelRuntime::Ptr loadFixture(const std::string& file) { return loadRuntime<XGBoostRuntime>(file); }

TEST(XGBoostRuntimeTest, TheServedXGBoostRuntimeIsTheNativeOne) {
  auto runtime = makeRuntime("xgboost");
  ASSERT_TRUE(runtime.has_value());
  EXPECT_NE(dynamic_cast<XGBoostRuntime*>(runtime->get()), nullptr);
}

TEST(XGBoostRuntimeTest, RefusesTheLegacyBinaryFormatSayingHowToResave) {
  for (const char* file : {"binary.bin", "huge_alloc.bin"}) {
    XGBoostRuntime runtime;
    const std::string bytes = readFile(std::string("tests/sidecar/testdata/") + file);
    ASSERT_FALSE(bytes.empty());
    auto loaded = runtime.load(asBytes(bytes));
    ASSERT_FALSE(loaded.has_value()) << file;
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(loaded.error().message.find("legacy binary"), std::string::npos)
        << loaded.error().message;
    EXPECT_NE(loaded.error().message.find("save_model"), std::string::npos);
  }
}

TEST(XGBoostRuntimeTest, AgreesBitForBitWithLibxgboostOnModelsSavedBy17) {
  for (const auto& [file, cases_name] :
       {std::pair{"binary.json", "binary"}, std::pair{"binary.ubj", "binary"},
        std::pair{"multiclass.json", "multiclass"}}) {
    const auto cases = loadCases(cases_name);
    const auto rows = repeatRows(cases.rows, 7);  // several blocks of rows
    const std::size_t num_rows = cases.num_rows * 7;
    const auto native = loadFixture(file);
    LibXGBoostRuntime reference;
    const std::string bytes = readFile(std::string("tests/sidecar/testdata/") + file);
    ASSERT_TRUE(reference.load(asBytes(bytes)).has_value());
    for (const PredictKind kind : {PredictKind::kValue, PredictKind::kMargin}) {
      auto got = native->predict(rows, num_rows, kind);
      auto want = reference.predict(rows, num_rows, kind);
      ASSERT_TRUE(got.has_value() && want.has_value());
      EXPECT_EQ(got->values, want->values) << file;
      EXPECT_EQ(got->shape, want->shape) << file;
    }
  }
}

TEST(XGBoostRuntimeTest, ABatchPredictsWhatItsRowsPredictAlone) {
  const auto cases = loadCases("binary");
  const auto runtime = loadFixture("binary.json");
  const auto rows = repeatRows(cases.rows, 5);  // 250 rows: blocks of 64 and a remainder
  auto batch = runtime->predict(rows, cases.num_rows * 5, PredictKind::kValue);
  ASSERT_TRUE(batch.has_value());
  EXPECT_EQ(batch->values, repeatRows(cases.value, 5));
}

TEST(XGBoostRuntimeTest, RefusesAnEmptyBatch) {
  const auto runtime = loadFixture("binary.json");
  EXPECT_FALSE(runtime->predict({}, 0, PredictKind::kValue).has_value());
}

TEST(XGBoostRuntimeTest, GarbageArtifactFailsToLoadWithTheReason) {
  XGBoostRuntime runtime;
  auto loaded = runtime.load(asBytes("{\"not\": \"a model\"}"));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().message, "xgboost model: the model has no \"learner\"");
  EXPECT_FALSE(runtime.predict(std::vector<float>(8), 1, PredictKind::kValue).has_value());
}

TEST(XGBoostRuntimeTest, LoadsOnlyOnce) {
  XGBoostRuntime runtime;
  const std::string bytes = readFile("tests/sidecar/testdata/binary.json");
  ASSERT_TRUE(runtime.load(asBytes(bytes)).has_value());
  auto again = runtime.load(asBytes(bytes));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kFailedPrecondition);
}

TEST(RuntimeFactoryTest, UnknownRuntimeNamesTheKnownOnes) {
  auto runtime = makeRuntime("onnx");
  ASSERT_FALSE(runtime.has_value());
  EXPECT_EQ(runtime.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(runtime.error().message.find("xgboost"), std::string::npos);
}

}  // namespace

namespace testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Native, XGBoostRuntimeContract, XGBoostRuntime);
}  // namespace testing

}  // namespace aviary::sidecar
