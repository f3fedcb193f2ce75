#include "controller/card_writer.h"

#include <gtest/gtest.h>

#include "controller/names.h"
#include "kube/owner.h"
#include "kube/resource.h"
#include "tests/fakes/fake_kube.h"

namespace aviary::controller {
namespace {

using kube::Json;
namespace res = kube::resources;

Timestamp at(int seconds) { return Timestamp{} + std::chrono::seconds(1'800'000'000 + seconds); }

Json modelDeployment() {
  return {{"apiVersion", "aviary.dev/v1alpha1"},
          {"kind", "ModelDeployment"},
          {"metadata", {{"name", "churn"}, {"namespace", "ml"}, {"uid", "uid-1"}}}};
}

api::ModelDeploymentSpec spec() {
  api::ModelDeploymentSpec spec;
  spec.model.name = "churn";
  spec.model.uri = "file:///m.json";
  return spec;
}

// A rollout of `revision` that ends with `outcome`, as the reconciler reports it.
void rollOut(CardWriter& cards, api::ModelDeploymentStatus& status, const std::string& revision,
             int time) {
  auto progressing = status;
  progressing.phase = api::Phase::kProgressing;
  progressing.canary_revision = revision;
  progressing.canary_weight = 20;
  ASSERT_TRUE(cards.observe(modelDeployment(), spec(), status, progressing, nullptr, at(time)));
  auto done = progressing;
  done.phase = api::Phase::kSucceeded;
  done.stable_revision = revision;
  done.canary_revision.clear();
  done.canary_weight = 0;
  done.history.push_back({revision, api::Outcome::kPromoted, "passed", at(time + 1)});
  if (done.history.size() > api::kMaxHistory) done.history.erase(done.history.begin());
  ASSERT_TRUE(cards.observe(modelDeployment(), spec(), progressing, done, nullptr, at(time + 1)));
  status = done;
}

std::vector<std::string> cardNames(testing::FakeKube& kube) {
  std::vector<std::string> names;
  const auto listed = kube.list(res::kConfigMaps.in("ml"));
  for (const auto& item : listed->items) {
    names.push_back(item["metadata"]["name"]);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CardConfigMapTest, IsOwnedLabelledAndHoldsTheThreeRenderings) {
  governance::ModelCard card;
  card.deployment = "churn";
  card.ns = "ml";
  card.revision = "abc1234567";
  const Json config_map = cardConfigMap(modelDeployment(), card);
  EXPECT_EQ(config_map["metadata"]["name"], "churn-abc1234567-card");
  EXPECT_EQ(config_map["metadata"]["labels"][kModelDeploymentLabel], "churn");
  EXPECT_EQ(config_map["metadata"]["labels"][kCardRevisionLabel], "abc1234567");
  EXPECT_TRUE(kube::isOwnedBy(config_map, "uid-1"));
  for (const char* key : {"card.md", "card.json", "card.html"}) {
    EXPECT_TRUE(config_map["data"].contains(key)) << key;
  }
}

TEST(CardWriterTest, WritesACardOnlyWhenARolloutEnds) {
  auto kube = std::make_shared<testing::FakeKube>();
  CardWriter cards(kube);
  api::ModelDeploymentStatus status;
  rollOut(cards, status, "rev0000001", 0);
  EXPECT_EQ(cardNames(*kube), std::vector<std::string>{"churn-rev0000001-card"});
  const auto writes = kube->writes().size();
  ASSERT_TRUE(cards.observe(modelDeployment(), spec(), status, status, nullptr, at(10)));
  EXPECT_EQ(kube->writes().size(), writes);
}

TEST(CardWriterTest, KeepsNoMoreCardsThanTheHistoryKeeps) {
  auto kube = std::make_shared<testing::FakeKube>();
  CardWriter cards(kube);
  api::ModelDeploymentStatus status;
  for (std::size_t i = 0; i < api::kMaxHistory + 2; ++i) {
    rollOut(cards, status, "rev" + std::to_string(1000000 + i), static_cast<int>(i) * 10);
  }
  const auto names = cardNames(*kube);
  EXPECT_EQ(names.size(), api::kMaxHistory);
  EXPECT_EQ(names.front(), "churn-rev1000002-card") << "the two oldest are gone";
}

TEST(CardWriterTest, LeavesConfigMapsItDoesNotOwnAlone) {
  auto kube = std::make_shared<testing::FakeKube>();
  Json foreign = {{"apiVersion", "v1"},
                  {"kind", "ConfigMap"},
                  {"metadata",
                   {{"name", "churn-old-card"},
                    {"namespace", "ml"},
                    {"labels", {{kModelDeploymentLabel, "churn"}, {kCardRevisionLabel, "old"}}}}}};
  ASSERT_TRUE(kube->create(res::kConfigMaps.in("ml"), foreign));
  CardWriter cards(kube);
  api::ModelDeploymentStatus status;
  rollOut(cards, status, "rev0000001", 0);
  EXPECT_EQ(cardNames(*kube),
            (std::vector<std::string>{"churn-old-card", "churn-rev0000001-card"}));
}

TEST(CardWriterTest, AFailedWriteIsReturned) {
  auto kube = std::make_shared<testing::FakeKube>();
  CardWriter cards(kube);
  kube->failNext("patch", Error{ErrorCode::kUnavailable, "apiserver down"});
  api::ModelDeploymentStatus before;
  auto after = before;
  after.history.push_back({"rev0000001", api::Outcome::kRolledBack, "errors", at(1)});
  const auto result = cards.observe(modelDeployment(), spec(), before, after, nullptr, at(1));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("apiserver down"), std::string::npos);
}

}  // namespace
}  // namespace aviary::controller
