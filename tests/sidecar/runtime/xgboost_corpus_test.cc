// The exactness corpus (tests/sidecar/testdata/xgboost_corpus, written by make_corpus.sh with
// xgboost 1.7.6, 2.1.4 and 3.2.0 from PyPI): every model, in JSON and in UBJSON, predicts for
// every row exactly the float32 that xgboost's own Booster.predict returned, margins and values.
//
// Bit for bit, without exception: the native runtime does what xgboost's DMatrix prediction path
// (Booster.predict) does. No ulp of slack is needed. (xgboost's own in-place prediction differs
// from its DMatrix path on dart models, by up to 4 ulp, as the corpus counts in
// inplace_*_differs; the DMatrix path is the reference.)
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sidecar/runtime/factory.h"
#include "tests/sidecar/fixtures.h"

namespace aviary::sidecar {
namespace {

namespace fs = std::filesystem;
using testing::asBytes;
using testing::readFile;

const fs::path kCorpus = "tests/sidecar/testdata/xgboost_corpus";

std::vector<float> fromHexWords(const std::string& text) {
  std::vector<float> out;
  std::istringstream in(text);
  std::string word;
  while (in >> word)
    out.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(std::stoul(word, nullptr, 16))));
  return out;
}

struct CorpusModel {
  std::string version;
  std::string name;
  std::string format;  // "json" or "ubj"
};

std::vector<CorpusModel> corpusModels() {
  std::vector<CorpusModel> models;
  for (const auto& version : fs::directory_iterator(kCorpus)) {
    if (!version.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(version.path())) {
      const std::string ext = file.path().extension().string();
      if (ext != ".json" && ext != ".ubj") continue;
      const std::string stem = file.path().stem().string();
      if (stem.ends_with(".cases")) continue;
      models.push_back({version.path().filename().string(), stem, ext.substr(1)});
    }
  }
  std::sort(models.begin(), models.end(), [](const CorpusModel& a, const CorpusModel& b) {
    return std::tie(a.version, a.name, a.format) < std::tie(b.version, b.name, b.format);
  });
  return models;
}

std::string testName(const ::testing::TestParamInfo<CorpusModel>& info) {
  std::string name = info.param.version + "_" + info.param.name + "_" + info.param.format;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// Equal as float32 bit patterns (so NaN equals NaN and -0 differs from 0); on a mismatch, says
// which row and output.
::testing::AssertionResult sameBits(const std::vector<float>& got, const std::vector<float>& want,
                                    std::size_t outputs) {
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure() << got.size() << " outputs, want " << want.size();
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::bit_cast<std::uint32_t>(got[i]) != std::bit_cast<std::uint32_t>(want[i])) {
      return ::testing::AssertionFailure() << "row " << i / outputs << " output " << i % outputs
                                           << ": got " << got[i] << " want " << want[i];
    }
  }
  return ::testing::AssertionSuccess();
}

class XGBoostCorpusTest : public ::testing::TestWithParam<CorpusModel> {};

TEST_P(XGBoostCorpusTest, PredictsWhatItsXGBoostPredictsBitForBit) {
  const CorpusModel& model = GetParam();
  const fs::path base = kCorpus / model.version / model.name;
  auto runtime = makeRuntime("xgboost");
  ASSERT_TRUE(runtime.has_value());
  const std::string bytes = readFile(base.string() + "." + model.format);
  ASSERT_FALSE(bytes.empty());
  auto loaded = (*runtime)->load(asBytes(bytes));

  if (fs::exists(base.string() + ".refused")) {
    ASSERT_FALSE(loaded.has_value()) << "a model that cannot be evaluated exactly was loaded";
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(loaded.error().message.find(readFile(base.string() + ".refused")), std::string::npos)
        << loaded.error().message;
    return;
  }
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;

  const auto cases = nlohmann::json::parse(readFile(base.string() + ".cases.json"));
  std::vector<float> rows;
  std::size_t num_rows = 0;
  for (const auto& row : cases["rows"]) {
    const auto values = fromHexWords(row.get<std::string>());
    rows.insert(rows.end(), values.begin(), values.end());
    ++num_rows;
  }
  const auto& metadata = (*runtime)->metadata();
  ASSERT_EQ(rows.size(), num_rows * metadata.num_features);
  EXPECT_EQ(metadata.objective, cases["objective"].get<std::string>());
  const auto value_outputs = cases["value_outputs"].get<std::size_t>();
  const auto margin_outputs = cases["margin_outputs"].get<std::size_t>();
  EXPECT_EQ(metadata.outputs_per_row, value_outputs);

  // All rows in one batch, and each row alone (the batch-1 path).
  auto value = (*runtime)->predict(rows, num_rows, PredictKind::kValue);
  ASSERT_TRUE(value.has_value()) << value.error().message;
  EXPECT_TRUE(sameBits(value->values, fromHexWords(cases["value"]), value_outputs));
  auto margin = (*runtime)->predict(rows, num_rows, PredictKind::kMargin);
  ASSERT_TRUE(margin.has_value()) << margin.error().message;
  EXPECT_TRUE(sameBits(margin->values, fromHexWords(cases["margin"]), margin_outputs));

  const auto want_value = fromHexWords(cases["value"]);
  std::vector<float> one_by_one;
  for (std::size_t r = 0; r < num_rows; ++r) {
    const std::span<const float> row(rows.data() + r * metadata.num_features,
                                     metadata.num_features);
    auto single = (*runtime)->predict(row, 1, PredictKind::kValue);
    ASSERT_TRUE(single.has_value()) << single.error().message;
    one_by_one.insert(one_by_one.end(), single->values.begin(), single->values.end());
  }
  EXPECT_TRUE(sameBits(one_by_one, want_value, value_outputs));
}

INSTANTIATE_TEST_SUITE_P(AllVersionsObjectivesAndFormats, XGBoostCorpusTest,
                         ::testing::ValuesIn(corpusModels()), testName);

TEST(XGBoostCorpusTest, CoversEveryVersionAndObjective) {
  std::set<std::string> versions;
  std::set<std::string> objectives;
  for (const auto& model : corpusModels()) {
    versions.insert(model.version);
    const fs::path cases = kCorpus / model.version / (model.name + ".cases.json");
    if (fs::exists(cases)) {
      objectives.insert(nlohmann::json::parse(readFile(cases.string()))["objective"]);
    }
  }
  EXPECT_EQ(versions, (std::set<std::string>{"1.7.6", "2.1.4", "3.2.0"}));
  for (const char* objective :
       {"binary:logistic", "binary:logitraw", "binary:hinge", "reg:squarederror", "reg:logistic",
        "reg:absoluteerror", "reg:pseudohubererror", "reg:quantileerror", "count:poisson",
        "reg:gamma", "reg:tweedie", "multi:softprob", "multi:softmax", "rank:pairwise", "rank:ndcg",
        "rank:map", "survival:cox"}) {
    EXPECT_TRUE(objectives.contains(objective)) << objective;
  }
}

}  // namespace
}  // namespace aviary::sidecar
