#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/runtime/model_runtime.h"
#include "tests/sidecar/fixtures.h"

// What every runtime that serves xgboost models keeps, whoever implements it: the native
// evaluator (xgboost_runtime_test.cc) and the libxgboost reference (libxgboost_runtime_test.cc)
// each instantiate this suite with their runtime type:
//   INSTANTIATE_TYPED_TEST_SUITE_P(Native, XGBoostRuntimeContract, XGBoostRuntime);
namespace aviary::sidecar::testing {

// The fixture rows `times` times over.
inline std::vector<float> repeatRows(const std::vector<float>& rows, std::size_t times) {
  std::vector<float> out;
  for (std::size_t i = 0; i < times; ++i) out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

// A `Runtime` that has loaded tests/sidecar/testdata/`file`.
template <typename Runtime>
std::shared_ptr<Runtime> loadRuntime(const std::string& file) {
  auto runtime = std::make_shared<Runtime>();
  const std::string bytes = readFile("tests/sidecar/testdata/" + file);
  auto loaded = runtime->load(asBytes(bytes));
  EXPECT_TRUE(loaded.has_value()) << file << ": " << loaded.error().message;
  return runtime;
}

template <typename Runtime>
class XGBoostRuntimeContract : public ::testing::Test {};
TYPED_TEST_SUITE_P(XGBoostRuntimeContract);

TYPED_TEST_P(XGBoostRuntimeContract, PredictsExactlyWhatXGBoostPythonPredictsFromJsonAndUbjson) {
  const auto cases = loadCases("binary");
  for (const char* file : {"binary.json", "binary.ubj"}) {
    const auto runtime = loadRuntime<TypeParam>(file);
    ASSERT_EQ(runtime->metadata().num_features, 8u) << file;
    auto value = runtime->predict(cases.rows, cases.num_rows, PredictKind::kValue);
    ASSERT_TRUE(value.has_value()) << file << ": " << value.error().message;
    EXPECT_EQ(value->shape, (std::vector<int64_t>{static_cast<int64_t>(cases.num_rows)})) << file;
    EXPECT_EQ(value->values, cases.value) << file;
    auto margin = runtime->predict(cases.rows, cases.num_rows, PredictKind::kMargin);
    ASSERT_TRUE(margin.has_value()) << file << ": " << margin.error().message;
    EXPECT_EQ(margin->values, cases.margin) << file;
  }
}

TYPED_TEST_P(XGBoostRuntimeContract, ReportsFeatureNamesObjectiveAndOutputWidth) {
  const auto runtime = loadRuntime<TypeParam>("binary.json");
  const auto& metadata = runtime->metadata();
  EXPECT_EQ(metadata.runtime, "xgboost");
  EXPECT_EQ(metadata.feature_names, loadCases("binary").feature_names);
  EXPECT_EQ(metadata.objective, "binary:logistic");
  EXPECT_EQ(metadata.outputs_per_row, 1u);
}

TYPED_TEST_P(XGBoostRuntimeContract, MulticlassModelReturnsOneProbabilityPerClass) {
  const auto cases = loadCases("multiclass");
  const auto runtime = loadRuntime<TypeParam>("multiclass.json");
  EXPECT_TRUE(runtime->metadata().feature_names.empty());
  EXPECT_EQ(runtime->metadata().outputs_per_row, 3u);
  auto value = runtime->predict(cases.rows, cases.num_rows, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_EQ(value->shape, (std::vector<int64_t>{static_cast<int64_t>(cases.num_rows), 3}));
  EXPECT_EQ(value->values, cases.value);
}

TYPED_TEST_P(XGBoostRuntimeContract, ConcurrentPredictsAllGetTheRightAnswer) {
  const auto cases = loadCases("binary");
  const auto big = repeatRows(cases.rows, 3);
  for (const char* file : {"binary.json", "binary.ubj"}) {
    const auto runtime = loadRuntime<TypeParam>(file);
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
    EXPECT_EQ(wrong.load(), 0) << file;
  }
}

TYPED_TEST_P(XGBoostRuntimeContract, RejectsRowsThatDoNotMatchTheFeatureCount) {
  const auto runtime = loadRuntime<TypeParam>("binary.json");
  const std::vector<float> seven(7, 0.5f);
  auto result = runtime->predict(seven, 1, PredictKind::kValue);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

REGISTER_TYPED_TEST_SUITE_P(XGBoostRuntimeContract,
                            PredictsExactlyWhatXGBoostPythonPredictsFromJsonAndUbjson,
                            ReportsFeatureNamesObjectiveAndOutputWidth,
                            MulticlassModelReturnsOneProbabilityPerClass,
                            ConcurrentPredictsAllGetTheRightAnswer,
                            RejectsRowsThatDoNotMatchTheFeatureCount);

}  // namespace aviary::sidecar::testing
