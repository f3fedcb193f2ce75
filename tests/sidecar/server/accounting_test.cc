#include "sidecar/server/accounting.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace aviary::sidecar {
namespace {

const ModelIdentity kIdentity{"churn", "v1", "rev-a", "xgboost"};

drift::ReferenceProfile twoFeatureProfile() {
  std::vector<drift::FeatureProfile> features = {
      {"x", 4, {0.5}, {0.5, 0.5}, {0.0, 0.25, 0.75, 1.0}},
      {"y", 4, {10.0}, {0.5, 0.5}, {5.0, 8.0, 12.0, 15.0}}};
  auto profile = drift::ReferenceProfile::create(std::move(features));
  EXPECT_TRUE(profile.has_value()) << profile.error().message;
  return *profile;
}

std::shared_ptr<Accounting> makeAccounting(SidecarMetrics& metrics, std::size_t window = 100) {
  auto accounting = Accounting::create(metrics, AccountingOptions{window, window, 0.5, 64});
  EXPECT_TRUE(accounting.has_value());
  return *accounting;
}

ObservedBatch batchOf(const std::vector<float>& rows, std::size_t width,
                      const std::vector<float>& outputs, const std::vector<std::string>& groups) {
  return ObservedBatch{rows, rows.size() / width, width, outputs, 1, groups};
}

bool hasLine(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(AccountingTest, ExportsExactlyWhatTheDriftWindowComputesForTheSameRows) {
  SidecarMetrics metrics(kIdentity);
  auto accounting = makeAccounting(metrics);
  ASSERT_TRUE(accounting->setReference(twoFeatureProfile()).has_value());
  const std::vector<float> rows = {0.1f, 6.0f, 0.9f, 20.0f, 0.4f, 11.0f};
  accounting->observe(batchOf({rows.begin(), rows.begin() + 2}, 2, {0.2f}, {}));
  accounting->observe(batchOf({rows.begin() + 2, rows.end()}, 2, {0.2f, 0.3f}, {}));
  accounting->publish();

  auto expected = drift::DriftWindow::create(twoFeatureProfile(), 100);
  ASSERT_TRUE(expected.has_value());
  for (std::size_t r = 0; r < 3; ++r) {
    ASSERT_TRUE(expected->observe(std::span<const float>(rows.data() + 2 * r, 2)).has_value());
  }
  const std::string text = metrics.scrape();
  for (const drift::FeatureDrift& feature : expected->compute()) {
    for (const auto& [stat, value] :
         std::vector<std::pair<std::string, double>>{{"ks", feature.ks_statistic},
                                                     {"ks_pvalue", feature.ks_p_value},
                                                     {"psi", feature.psi}}) {
      const std::string prefix = fmt::format(
          R"(aviary_feature_drift{{feature="{}",model="churn",revision="rev-a",stat="{}"}} )",
          feature.feature, stat);
      const auto at = text.find(prefix);
      ASSERT_NE(at, std::string::npos) << prefix << "\n" << text;
      EXPECT_DOUBLE_EQ(std::stod(text.substr(at + prefix.size())), value) << prefix;
    }
  }
}

TEST(AccountingTest, NothingIsExportedBeforePublish) {
  SidecarMetrics metrics(kIdentity);
  auto accounting = makeAccounting(metrics);
  ASSERT_TRUE(accounting->setReference(twoFeatureProfile()).has_value());
  accounting->observe(batchOf({0.1f, 6.0f}, 2, {0.9f}, {"eu"}));
  EXPECT_EQ(metrics.scrape().find("aviary_feature_drift{"), std::string::npos);
  EXPECT_EQ(metrics.scrape().find("aviary_group_positive_rate{"), std::string::npos);
}

TEST(AccountingTest, GroupPositiveRatesUseTheThreshold) {
  SidecarMetrics metrics(kIdentity);
  auto accounting = makeAccounting(metrics);
  accounting->observe(batchOf({1, 2, 3, 4}, 1, {0.9f, 0.1f, 0.5f, 0.7f}, {"a", "b", "a", "b"}));
  accounting->publish();
  const std::string text = metrics.scrape();
  EXPECT_TRUE(
      hasLine(text, R"(aviary_group_positive_rate{group="a",model="churn",revision="rev-a"} 1)"))
      << text;
  EXPECT_TRUE(
      hasLine(text, R"(aviary_group_positive_rate{group="b",model="churn",revision="rev-a"} 0.5)"))
      << text;
  // The sample behind each rate, so a gate can ignore groups seen too rarely.
  EXPECT_TRUE(
      hasLine(text, R"(aviary_group_predictions{group="a",model="churn",revision="rev-a"} 2)"))
      << text;
  EXPECT_TRUE(
      hasLine(text, R"(aviary_group_predictions{group="b",model="churn",revision="rev-a"} 2)"))
      << text;
}

TEST(AccountingTest, GroupsThatLeaveTheWindowStopBeingExported) {
  SidecarMetrics metrics(kIdentity);
  auto accounting = makeAccounting(metrics, /*window=*/2);
  accounting->observe(batchOf({1, 2}, 1, {0.9f, 0.9f}, {"old", "old"}));
  accounting->publish();
  accounting->observe(batchOf({1, 2}, 1, {0.1f, 0.1f}, {"new", "new"}));
  accounting->publish();
  const std::string text = metrics.scrape();
  EXPECT_EQ(text.find(R"(group="old")"), std::string::npos) << text;
  EXPECT_TRUE(
      hasLine(text, R"(aviary_group_positive_rate{group="new",model="churn",revision="rev-a"} 0)"));
}

TEST(AccountingTest, RowsOfAnotherWidthAreCountedNotObserved) {
  SidecarMetrics metrics(kIdentity);
  auto accounting = makeAccounting(metrics);
  ASSERT_TRUE(accounting->setReference(twoFeatureProfile()).has_value());
  accounting->observe(batchOf({1, 2, 3}, 3, {0.5f}, {}));
  accounting->publish();
  EXPECT_EQ(accounting->mismatchedRows(), 1u);
  EXPECT_EQ(metrics.scrape().find("aviary_feature_drift{"), std::string::npos);
}

TEST(AccountingTest, PendingRowsStayBoundedWithoutPublish) {
  SidecarMetrics metrics(kIdentity);
  auto accounting = makeAccounting(metrics, /*window=*/10);
  ASSERT_TRUE(accounting->setReference(twoFeatureProfile()).has_value());
  for (int i = 0; i < 10000; ++i) accounting->observe(batchOf({0.3f, 9.0f}, 2, {0.5f}, {"g"}));
  accounting->publish();  // only the last rows matter; this must not take a window of 10000
  EXPECT_NE(metrics.scrape().find(R"(feature="x")"), std::string::npos);
}

}  // namespace
}  // namespace aviary::sidecar
