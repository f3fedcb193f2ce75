#include "sidecar/loader/guarded_load.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include "tests/sidecar/fixtures.h"

namespace aviary::sidecar {
namespace {

using namespace std::chrono_literals;
using testing::asBytes;
using testing::readFile;

// A legacy-binary XGBoost model found by `make fuzz`: libxgboost 1.7 asks for ~17 GB inside
// XGBoosterLoadModelFromBuffer while reading it, although the file is 28 KB. The native runtime
// refuses the legacy binary format outright.
const char* const kHugeAllocModel = "tests/sidecar/testdata/huge_alloc.bin";

// A well-formed document that takes far more memory parsed than as text: an array of `count`
// empty objects, which a JSON reader holds while parsing (the runtime refuses it only after).
std::string bigDocument(std::size_t count) {
  std::string text = "{\"learner\": {\"items\": [{}";
  for (std::size_t i = 1; i < count; ++i) text += ",{}";
  text += "]}}";
  return text;
}

LoadLimits smallLimits() {
  LoadLimits limits;
  limits.memory_bytes = std::size_t{512} << 20;
  limits.timeout = 20s;
  return limits;
}

TEST(GuardedLoadTest, LoadsAGoodModelAfterItsProbe) {
  const std::string bytes = readFile("tests/sidecar/testdata/binary.json");
  auto runtime = loadGuarded("xgboost", asBytes(bytes), smallLimits());
  ASSERT_TRUE(runtime.has_value()) << runtime.error().message;
  EXPECT_EQ((*runtime)->metadata().num_features, 8u);
}

TEST(GuardedLoadTest, AModelThatNeedsMoreMemoryThanAllowedFailsClearlyAndThisProcessGoesOn) {
  // 3 MB of text, over 100 MB once parsed: past a 4 MiB limit.
  const std::string big = bigDocument(1'000'000);
  LoadLimits limits = smallLimits();
  limits.memory_bytes = std::size_t{4} << 20;
  auto runtime = loadGuarded("xgboost", asBytes(big), limits);
  ASSERT_FALSE(runtime.has_value());
  const std::string& message = runtime.error().message;
  EXPECT_NE(message.find("probe load in a child process limited to 4 MiB"), std::string::npos)
      << message;
  EXPECT_NE(message.find("bad_alloc"), std::string::npos) << message;

  // Still here, and still able to load a good model.
  const std::string good = readFile("tests/sidecar/testdata/binary.json");
  EXPECT_TRUE(loadGuarded("xgboost", asBytes(good), smallLimits()).has_value());
}

TEST(GuardedLoadTest, TheLegacyBinaryModelThatMadeLibxgboostAllocate17GBIsRefusedWithTheReason) {
  const std::string bad = readFile(kHugeAllocModel);
  ASSERT_FALSE(bad.empty());
  auto runtime = loadGuarded("xgboost", asBytes(bad), smallLimits());
  ASSERT_FALSE(runtime.has_value());
  EXPECT_NE(runtime.error().message.find("legacy binary XGBoost model format is not supported"),
            std::string::npos)
      << runtime.error().message;
}

TEST(GuardedLoadTest, ARuntimeErrorComesBackWithItsStep) {
  const std::string garbage = "{\"learner\": 42}";
  auto runtime = loadGuarded("xgboost", asBytes(garbage), smallLimits());
  ASSERT_FALSE(runtime.has_value());
  EXPECT_NE(runtime.error().message.find("loading the model: xgboost model: "), std::string::npos)
      << runtime.error().message;
}

TEST(GuardedLoadTest, ProbesWhileOtherThreadsPredict) {
  // The sidecar forks from its loader thread while workers may be busy; nothing they hold (malloc
  // arenas, XGBoost or OpenMP state) may hang the probe.
  const std::string bytes = readFile("tests/sidecar/testdata/binary.json");
  auto serving = loadGuarded("xgboost", asBytes(bytes), smallLimits());
  ASSERT_TRUE(serving.has_value());
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (const std::size_t batch : {1, 100, 100}) {
    workers.emplace_back([&serving, &stop, batch] {
      const std::vector<float> rows(8 * batch, 0.25f);
      while (!stop) {
        auto predicted = (*serving)->predict(rows, batch, PredictKind::kValue);
        ASSERT_TRUE(predicted.has_value()) << predicted.error().message;
      }
    });
  }
  for (int i = 0; i < 10; ++i) {
    auto again = loadGuarded("xgboost", asBytes(bytes), smallLimits());
    EXPECT_TRUE(again.has_value()) << again.error().message;
  }
  stop = true;
  for (auto& worker : workers) worker.join();
}

TEST(RunInChildTest, ReturnsTheWorksErrorCodeAndMessage) {
  auto status =
      runInChild([] { return Status(fail(ErrorCode::kInvalidArgument, "bad\nmodel")); }, {});
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(status.error().message, "bad\nmodel");
}

TEST(RunInChildTest, ReportsACrashBySignal) {
  auto status = runInChild(
      [] {
        std::raise(SIGSEGV);
        return Status{};
      },
      {});
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message, "crashed with SIGSEGV");
}

TEST(RunInChildTest, KillsAChildThatOutlivesTheTimeout) {
  LoadLimits limits;
  limits.timeout = 200ms;
  const auto start = std::chrono::steady_clock::now();
  auto status = runInChild(
      [] {
        std::this_thread::sleep_for(30s);
        return Status{};
      },
      limits);
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(RunInChildTest, LimitsTheChildsMemory) {
  LoadLimits limits;
  limits.memory_bytes = std::size_t{64} << 20;
  auto status = runInChild(
      [] {
        std::vector<char> big(std::size_t{1} << 30);
        return Status{};
      },
      limits);
  ASSERT_FALSE(status.has_value());
  EXPECT_NE(status.error().message.find("bad_alloc"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace aviary::sidecar
