#include "kube/selector.h"

#include <gtest/gtest.h>

#include "kube/yaml.h"

namespace aviary::kube {
namespace {

TEST(LabelSelectorTest, MatchesEveryOperatorKubectlAccepts) {
  Json labels = {{"app", "churn"}, {"tier", "model"}, {"track", "canary"}};
  struct Row {
    const char* selector;
    bool want;
  };
  const Row rows[] = {
      {"", true},
      {"app=churn", true},
      {"app==churn", true},
      {"app=other", false},
      {"app!=other", true},
      {"app!=churn", false},
      {"tier", true},
      {"!tier", false},
      {"!missing", true},
      {"track in (stable, canary)", true},
      {"track notin (canary)", false},
      {"app=churn,track in (stable)", false},
      {"app=churn, tier=model", true},
  };
  for (const auto& row : rows) {
    auto selector = LabelSelector::parse(row.selector);
    ASSERT_TRUE(selector.has_value()) << row.selector;
    EXPECT_EQ(selector->matches(labels), row.want) << row.selector;
  }
  EXPECT_FALSE(LabelSelector::parse("x maybe (a)").has_value());
}

TEST(FieldSelectorTest, SupportsNameAndNamespace) {
  Json object = {{"metadata", {{"name", "a"}, {"namespace", "ml"}}}};
  EXPECT_TRUE(*matchesFieldSelector("metadata.name=a", object));
  EXPECT_TRUE(*matchesFieldSelector("metadata.namespace==ml,metadata.name!=b", object));
  EXPECT_FALSE(*matchesFieldSelector("metadata.name=b", object));
  EXPECT_FALSE(matchesFieldSelector("spec.x=1", object).has_value());
}

TEST(FieldSelectorTest, SupportsTheFieldsEventsAreSelectedOn) {
  const Json event = {{"metadata", {{"name", "e1"}}},
                      {"involvedObject", {{"kind", "ModelDeployment"}, {"name", "churn"}}},
                      {"reason", "Promoted"},
                      {"type", "Normal"}};
  EXPECT_TRUE(*matchesFieldSelector("involvedObject.kind=ModelDeployment,involvedObject.name=churn",
                                    event));
  EXPECT_FALSE(*matchesFieldSelector("involvedObject.name=other", event));
  EXPECT_TRUE(*matchesFieldSelector("reason=Promoted,type!=Warning", event));
  EXPECT_FALSE(*matchesFieldSelector("involvedObject.namespace=ml", event));
}

TEST(YamlTest, ReadsManifestsWithYamlScalarTypes) {
  auto documents = parseYamlDocuments(R"(---
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {quoted: "true", number: "3"}
spec:
  replicas: 3
  weight: 0.5
  enabled: true
  nothing: null
  name: churn
---
)");
  ASSERT_TRUE(documents.has_value()) << documents.error().message;
  ASSERT_EQ(documents->size(), 1u);
  const Json& doc = (*documents)[0];
  EXPECT_EQ(doc["data"]["quoted"], "true");
  EXPECT_EQ(doc["data"]["number"], "3");
  EXPECT_EQ(doc["spec"]["replicas"], 3);
  EXPECT_EQ(doc["spec"]["weight"], 0.5);
  EXPECT_EQ(doc["spec"]["enabled"], true);
  EXPECT_TRUE(doc["spec"]["nothing"].is_null());
  EXPECT_EQ(doc["spec"]["name"], "churn");
}

}  // namespace
}  // namespace aviary::kube
