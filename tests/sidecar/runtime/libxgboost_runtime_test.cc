#include "sidecar/runtime/libxgboost_runtime.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/sidecar/fixtures.h"

namespace aviary::sidecar {
namespace {

using testing::asBytes;
using testing::loadCases;
using testing::readFile;

// libxgboost is not served (the native runtime is); it stays as the reference for the bench
// and for models saved by xgboost 1.7.
ModelRuntime::Ptr loadFixture(const std::string& file) {
  auto runtime = std::make_shared<LibXGBoostRuntime>();
  const std::string bytes = readFile("tests/sidecar/testdata/" + file);
  auto loaded = runtime->load(asBytes(bytes));
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
  return runtime;
}

// Repeats the fixture rows until there are at least `min_rows`, so both predict paths run.
std::vector<float> repeatRows(const std::vector<float>& rows, std::size_t times) {
  std::vector<float> out;
  for (std::size_t i = 0; i < times; ++i) out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

class LibXGBoostFormatsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LibXGBoostFormatsTest, PredictsExactlyWhatXGBoostPythonPredicts) {
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

INSTANTIATE_TEST_SUITE_P(AllFormats, LibXGBoostFormatsTest,
                         ::testing::Values("binary.json", "binary.ubj", "binary.bin"));

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

TEST(LibXGBoostRuntimeTest, ReportsFeatureNamesObjectiveAndOutputWidth) {
  const auto runtime = loadFixture("binary.json");
  const auto& metadata = runtime->metadata();
  EXPECT_EQ(metadata.runtime, "xgboost");
  EXPECT_EQ(metadata.feature_names, loadCases("binary").feature_names);
  EXPECT_EQ(metadata.objective, "binary:logistic");
  EXPECT_EQ(metadata.outputs_per_row, 1u);
}

TEST(LibXGBoostRuntimeTest, MulticlassModelReturnsOneProbabilityPerClass) {
  const auto cases = loadCases("multiclass");
  const auto runtime = loadFixture("multiclass.json");
  EXPECT_TRUE(runtime->metadata().feature_names.empty());
  EXPECT_EQ(runtime->metadata().outputs_per_row, 3u);
  auto value = runtime->predict(cases.rows, cases.num_rows, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->shape, (std::vector<int64_t>{static_cast<int64_t>(cases.num_rows), 3}));
  EXPECT_EQ(value->values, cases.value);
}

TEST(LibXGBoostRuntimeTest, ConcurrentPredictsAllGetTheRightAnswer) {
  const auto cases = loadCases("binary");
  const auto runtime = loadFixture("binary.json");
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

TEST(LibXGBoostRuntimeTest, RejectsRowsThatDoNotMatchTheFeatureCount) {
  const auto runtime = loadFixture("binary.json");
  const std::vector<float> seven(7, 0.5f);
  auto result = runtime->predict(seven, 1, PredictKind::kValue);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST(LibXGBoostRuntimeTest, GarbageArtifactFailsToLoadWithTheLibraryReason) {
  LibXGBoostRuntime runtime;
  const std::string garbage = "{\"not\": \"a model\"}";
  auto loaded = runtime.load(asBytes(garbage));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("xgboost"), std::string::npos);
}

}  // namespace
}  // namespace aviary::sidecar
