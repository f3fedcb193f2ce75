#include "sidecar/runtime/lightgbm/lightgbm_runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/runtime/factory.h"
#include "tests/sidecar/fixtures.h"

namespace aviary::sidecar {
namespace {

using testing::asBytes;
using testing::readFile;

const std::string kCorpus = "tests/sidecar/testdata/lightgbm_corpus/4.7.0/";

double number(const nlohmann::json& item) {
  if (item.is_string()) {
    const std::string word = item.get<std::string>();
    if (word == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (word == "inf") return std::numeric_limits<double>::infinity();
    if (word == "-inf") return -std::numeric_limits<double>::infinity();
    ADD_FAILURE() << "unknown word " << word;
  }
  return item.get<double>();
}

struct CorpusCase {
  std::string objective;
  std::size_t features = 0;
  std::size_t outputs = 0;
  std::size_t num_rows = 0;
  std::vector<float> rows;
  std::vector<double> raw;
  std::vector<double> value;
};

CorpusCase loadCase(const std::string& name) {
  const auto json = nlohmann::json::parse(readFile(kCorpus + name + ".cases.json"));
  CorpusCase c;
  c.objective = json["objective"].get<std::string>();
  c.features = json["features"].get<std::size_t>();
  c.outputs = json["outputs"].get<std::size_t>();
  for (const auto& row : json["rows"]) {
    ++c.num_rows;
    for (const auto& v : row) c.rows.push_back(static_cast<float>(number(v)));
  }
  for (const auto& v : json["raw"]) c.raw.push_back(number(v));
  for (const auto& v : json["value"]) c.value.push_back(number(v));
  return c;
}

// Equal bit for bit, except that any NaN equals any NaN.
bool sameDouble(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}
bool sameFloat(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

std::vector<std::string> corpusNames(const std::string& suffix) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > suffix.size() && file.ends_with(suffix)) {
      names.push_back(file.substr(0, file.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

LightGBMRuntime loadModel(const std::string& name) {
  LightGBMRuntime runtime;
  const std::string text = readFile(kCorpus + name + ".txt");
  const auto loaded = runtime.load(asBytes(text));
  EXPECT_TRUE(loaded.has_value()) << name << ": " << loaded.error().message;
  return runtime;
}

class LightGBMCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LightGBMCorpusTest, DoublesAreLightgbmsBitForBit) {
  const CorpusCase c = loadCase(GetParam());
  const LightGBMRuntime runtime = loadModel(GetParam());
  ASSERT_EQ(runtime.metadata().num_features, c.features);
  ASSERT_EQ(runtime.metadata().outputs_per_row, c.outputs);
  EXPECT_EQ(runtime.metadata().objective, c.objective);
  for (const auto& [kind, expected] :
       {std::pair{PredictKind::kMargin, &c.raw}, std::pair{PredictKind::kValue, &c.value}}) {
    std::vector<double> got;
    ASSERT_TRUE(runtime.predictDoubles(c.rows, c.num_rows, kind, got).has_value());
    ASSERT_EQ(got.size(), expected->size());
    int wrong = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (!sameDouble(got[i], (*expected)[i]) && wrong++ < 5) {
        ADD_FAILURE() << GetParam() << (kind == PredictKind::kMargin ? " raw" : " value") << " row "
                      << i / c.outputs << " output " << i % c.outputs << ": got " << got[i]
                      << ", lightgbm " << (*expected)[i];
      }
    }
    EXPECT_EQ(wrong, 0);
  }
}

TEST_P(LightGBMCorpusTest, Float32AnswersAreTheFloat32OfLightgbmsDoublesRowByRowAndInOneBatch) {
  const CorpusCase c = loadCase(GetParam());
  auto runtime = makeRuntime("lightgbm");
  ASSERT_TRUE(runtime.has_value());
  const std::string text = readFile(kCorpus + GetParam() + ".txt");
  ASSERT_TRUE((*runtime)->load(asBytes(text)).has_value());
  for (const auto& [kind, expected] :
       {std::pair{PredictKind::kMargin, &c.raw}, std::pair{PredictKind::kValue, &c.value}}) {
    auto batch = (*runtime)->predict(c.rows, c.num_rows, kind);
    ASSERT_TRUE(batch.has_value()) << batch.error().message;
    ASSERT_EQ(batch->values.size(), expected->size());
    int wrong = 0;
    for (std::size_t r = 0; r < c.num_rows; ++r) {
      const std::span<const float> row(c.rows.data() + r * c.features, c.features);
      auto single = (*runtime)->predict(row, 1, kind);
      ASSERT_TRUE(single.has_value());
      for (std::size_t k = 0; k < c.outputs; ++k) {
        const float want = static_cast<float>((*expected)[r * c.outputs + k]);
        if (!sameFloat(batch->values[r * c.outputs + k], want)) ++wrong;
        if (!sameFloat(single->values[k], want)) ++wrong;
      }
    }
    EXPECT_EQ(wrong, 0) << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(Lightgbm470, LightGBMCorpusTest,
                         ::testing::ValuesIn(corpusNames(".cases.json")));

class LightGBMRefusedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LightGBMRefusedTest, IsRefusedAtLoadNamingWhatIsUnsupported) {
  std::string word = readFile(kCorpus + GetParam() + ".refused");
  word.erase(word.find_last_not_of("\n") + 1);
  LightGBMRuntime runtime;
  const std::string text = readFile(kCorpus + GetParam() + ".txt");
  const auto loaded = runtime.load(asBytes(text));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(loaded.error().message.find(word), std::string::npos) << loaded.error().message;
}

INSTANTIATE_TEST_SUITE_P(Lightgbm470, LightGBMRefusedTest,
                         ::testing::ValuesIn(corpusNames(".refused")));

TEST(LightGBMRuntimeTest, CorpusCoversEveryObjectiveTheRuntimeEvaluates) {
  std::set<std::string> objectives;
  for (const auto& name : corpusNames(".cases.json")) {
    const std::string objective = loadCase(name).objective;
    objectives.insert(objective.substr(0, objective.find(' ')));
  }
  for (const char* name :
       {"binary", "cross_entropy", "cross_entropy_lambda", "regression", "regression_l1", "huber",
        "fair", "quantile", "mape", "poisson", "gamma", "tweedie", "multiclass", "multiclassova",
        "lambdarank", "rank_xendcg", "none"}) {
    EXPECT_TRUE(objectives.contains(name)) << name;
  }
}

TEST(LightGBMRuntimeTest, ReportsFeatureNamesObjectiveAndOutputWidth) {
  const LightGBMRuntime runtime = loadModel("multiclass");
  const auto& metadata = runtime.metadata();
  EXPECT_EQ(metadata.runtime, "lightgbm");
  EXPECT_EQ(metadata.num_features, 8u);
  ASSERT_EQ(metadata.feature_names.size(), 8u);
  EXPECT_EQ(metadata.feature_names[0], "Column_0");
  EXPECT_EQ(metadata.objective, "multiclass num_class:3");
  EXPECT_EQ(metadata.outputs_per_row, 3u);
  const std::vector<float> row(8, 0.5f);
  auto prediction = runtime.predict(row, 1, PredictKind::kValue);
  ASSERT_TRUE(prediction.has_value());
  EXPECT_EQ(prediction->shape, (std::vector<int64_t>{1, 3}));
}

TEST(LightGBMRuntimeTest, SingleOutputModelsHaveOneDimensionalShape) {
  const LightGBMRuntime runtime = loadModel("binary");
  const std::vector<float> rows(16, 0.5f);
  auto prediction = runtime.predict(rows, 2, PredictKind::kValue);
  ASSERT_TRUE(prediction.has_value());
  EXPECT_EQ(prediction->shape, (std::vector<int64_t>{2}));
}

TEST(LightGBMRuntimeTest, RejectsRowsThatDoNotMatchTheFeatureCount) {
  const LightGBMRuntime runtime = loadModel("binary");
  const std::vector<float> seven(7, 0.5f);
  auto result = runtime.predict(seven, 1, PredictKind::kValue);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST(LightGBMRuntimeTest, AnXGBoostModelIsRefusedAsNotALightGBMTextModel) {
  LightGBMRuntime runtime;
  const std::string xgboost = readFile("tests/sidecar/testdata/binary.json");
  const auto loaded = runtime.load(asBytes(xgboost));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("not a LightGBM text model"), std::string::npos);
}

TEST(LightGBMRuntimeTest, ObjectiveThatDisagreesWithTheTreeCountIsRefused) {
  std::string text = readFile(kCorpus + "binary.txt");
  text.replace(text.find("objective=binary sigmoid:1"), 26, "objective=multiclass num_class:2");
  LightGBMRuntime runtime;
  const auto loaded = runtime.load(asBytes(text));
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().message.find("trees per iteration"), std::string::npos);
}

TEST(LightGBMRuntimeTest, ConcurrentPredictsAllGetTheRightAnswer) {
  const CorpusCase c = loadCase("multiclass");
  const LightGBMRuntime runtime = loadModel("multiclass");
  std::vector<float> want(c.value.begin(), c.value.end());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto batch = runtime.predict(c.rows, c.num_rows, PredictKind::kValue);
        if (!batch || batch->values != want) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(LightGBMRuntimeTest, FactoryKnowsLightgbm) {
  auto runtime = makeRuntime("lightgbm");
  ASSERT_TRUE(runtime.has_value());
  const auto known = knownRuntimes();
  EXPECT_NE(std::find(known.begin(), known.end(), "lightgbm"), known.end());
}

}  // namespace
}  // namespace aviary::sidecar
