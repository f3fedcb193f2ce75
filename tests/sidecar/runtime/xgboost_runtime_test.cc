#include "sidecar/runtime/xgboost_runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "sidecar/runtime/factory.h"
#include "sidecar/runtime/libxgboost_runtime.h"
#include "tests/sidecar/fixtures.h"

namespace aviary::sidecar {
namespace {

using testing::asBytes;
using testing::loadCases;
using testing::readFile;

ModelRuntime::Ptr loadFixture(const std::string& file) {
  auto runtime = makeRuntime("xgboost");
  EXPECT_TRUE(runtime.has_value());
  const std::string bytes = readFile("tests/sidecar/testdata/" + file);
  auto loaded = (*runtime)->load(asBytes(bytes));
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
  return *runtime;
}

std::vector<float> repeatRows(const std::vector<float>& rows, std::size_t times) {
  std::vector<float> out;
  for (std::size_t i = 0; i < times; ++i) out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

TEST(XGBoostRuntimeTest, TheServedXGBoostRuntimeIsTheNativeOne) {
  auto runtime = makeRuntime("xgboost");
  ASSERT_TRUE(runtime.has_value());
  EXPECT_NE(dynamic_cast<XGBoostRuntime*>(runtime->get()), nullptr);
}

class XGBoostFormatsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(XGBoostFormatsTest, PredictsExactlyWhatXGBoostPythonPredicts) {
  const auto cases = loadCases("binary");
  const auto runtime = loadFixture(GetParam());
  ASSERT_EQ(runtime->metadata().num_features, 8u);
  auto value = runtime->predict(cases.rows, cases.num_rows, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->shape, (std::vector<int64_t>{static_cast<int64_t>(cases.num_rows)}));
  EXPECT_EQ(value->values, cases.value);
  auto margin = runtime->predict(cases.rows, cases.num_rows, PredictKind::kMargin);
  ASSERT_TRUE(margin.has_value()) << margin.error().message;
  EXPECT_EQ(margin->values, cases.margin);
}

INSTANTIATE_TEST_SUITE_P(JsonAndUbjson, XGBoostFormatsTest,
                         ::testing::Values("binary.json", "binary.ubj"));

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

TEST(XGBoostRuntimeTest, ReportsFeatureNamesObjectiveAndOutputWidth) {
  const auto runtime = loadFixture("binary.json");
  const auto& metadata = runtime->metadata();
  EXPECT_EQ(metadata.runtime, "xgboost");
  EXPECT_EQ(metadata.feature_names, loadCases("binary").feature_names);
  EXPECT_EQ(metadata.objective, "binary:logistic");
  EXPECT_EQ(metadata.outputs_per_row, 1u);
}

TEST(XGBoostRuntimeTest, MulticlassModelReturnsOneProbabilityPerClass) {
  const auto cases = loadCases("multiclass");
  const auto runtime = loadFixture("multiclass.json");
  EXPECT_TRUE(runtime->metadata().feature_names.empty());
  EXPECT_EQ(runtime->metadata().outputs_per_row, 3u);
  auto value = runtime->predict(cases.rows, cases.num_rows, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->shape, (std::vector<int64_t>{static_cast<int64_t>(cases.num_rows), 3}));
  EXPECT_EQ(value->values, cases.value);
}

TEST(XGBoostRuntimeTest, ConcurrentPredictsAllGetTheRightAnswer) {
  const auto cases = loadCases("binary");
  const auto runtime = loadFixture("binary.ubj");
  const auto big = repeatRows(cases.rows, 3);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const std::size_t row = static_cast<std::size_t>(i) % cases.num_rows;
        std::span<const float> one(cases.rows.data() + row * 8, 8);
        auto single = runtime->predict(one, 1, PredictKind::kValue);
        if (!single || single->values != std::vector<float>{cases.value[row]}) ++wrong;
        auto batch = runtime->predict(big, cases.num_rows * 3, PredictKind::kValue);
        if (!batch || batch->values != repeatRows(cases.value, 3)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(XGBoostRuntimeTest, RejectsRowsThatDoNotMatchTheFeatureCount) {
  const auto runtime = loadFixture("binary.json");
  const std::vector<float> seven(7, 0.5f);
  auto result = runtime->predict(seven, 1, PredictKind::kValue);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
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
}  // namespace aviary::sidecar
