// The CRD in crds/ and the structs in src/api/ describe one resource; these tests fail when they
// drift apart: a field in one but not the other, an enum spelled differently, a default that
// differs, a printer column pointing at nothing.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "api/json.h"
#include "api/names.h"
#include "api/validate.h"
#include "tests/api/full_objects.h"
#include "tests/api/yaml_to_json.h"

namespace aviary::api {
namespace {

using nlohmann::json;

constexpr const char* kCrdPath = "crds/aviary.dev_modeldeployments.yaml";

const json& crd() {
  static const json kCrd = testing::loadYamlFile(kCrdPath);
  return kCrd;
}

const json& version() { return crd().at("spec").at("versions").at(0); }

const json& rootSchema() { return version().at("schema").at("openAPIV3Schema"); }

bool opaque(const json& schema) {
  return schema.value("x-kubernetes-preserve-unknown-fields", false);
}

// A map (additionalProperties): its keys are the user's, not the schema's.
bool map(const json& schema) { return schema.contains("additionalProperties"); }

// Every property path the schema declares ("spec.strategy.steps[].setWeight").
void schemaPaths(const json& schema, const std::string& prefix, std::set<std::string>& out) {
  if (opaque(schema) || map(schema)) return;
  if (schema.contains("properties")) {
    for (const auto& [key, child] : schema.at("properties").items()) {
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      out.insert(path);
      schemaPaths(child, path, out);
    }
  }
  if (schema.contains("items")) schemaPaths(schema.at("items"), prefix + "[]", out);
}

// Every field path present in a serialised object, descending where the schema has structure.
void valuePaths(const json& value, const json& schema, const std::string& prefix,
                std::set<std::string>& out) {
  if (opaque(schema) || map(schema)) return;
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      out.insert(path);
      const json& properties = schema.value("properties", json::object());
      valuePaths(child, properties.value(key, json::object()), path, out);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      valuePaths(item, schema.value("items", json::object()), prefix + "[]", out);
    }
  }
}

const json& schemaAt(const std::string& dotted) {
  const json* node = &rootSchema();
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t end = std::min(dotted.find('.', start), dotted.size());
    std::string key = dotted.substr(start, end - start);
    const bool list = key.ends_with("[]");
    if (list) key.resize(key.size() - 2);
    node = &node->at("properties").at(key);
    if (list) node = &node->at("items");
    start = end + 1;
  }
  return *node;
}

template <typename E>
std::vector<std::string> cppNames() {
  std::vector<std::string> names;
  for (const auto& entry : EnumNames<E>::kTable) names.emplace_back(entry.second);
  return names;
}

std::vector<std::string> schemaEnum(const std::string& path) {
  return schemaAt(path).at("enum").get<std::vector<std::string>>();
}

TEST(CrdSchemaTest, NamesTheResourceAsDocumented) {
  const auto& spec = crd().at("spec");
  EXPECT_EQ(crd().at("metadata").at("name"), "modeldeployments.aviary.dev");
  EXPECT_EQ(spec.at("group"), "aviary.dev");
  EXPECT_EQ(spec.at("scope"), "Namespaced");
  EXPECT_EQ(spec.at("names").at("kind"), "ModelDeployment");
  EXPECT_EQ(spec.at("names").at("shortNames"), json::array({"md"}));
  EXPECT_EQ(spec.at("names").at("categories"), json::array({"aviary"}));
  EXPECT_EQ(version().at("name"), "v1alpha1");
  EXPECT_TRUE(version().at("subresources").contains("status"));
}

TEST(CrdSchemaTest, EverySpecFieldIsInTheSchemaAndEverySchemaFieldIsSerialised) {
  std::set<std::string> declared;
  schemaPaths(rootSchema().at("properties").at("spec"), "spec", declared);
  std::set<std::string> written;
  valuePaths(toJson(testing::fullSpec()), rootSchema().at("properties").at("spec"), "spec",
             written);
  EXPECT_EQ(written, declared);
}

TEST(CrdSchemaTest, EveryStatusFieldIsInTheSchemaAndEverySchemaFieldIsSerialised) {
  std::set<std::string> declared;
  schemaPaths(rootSchema().at("properties").at("status"), "status", declared);
  std::set<std::string> written;
  valuePaths(toJson(testing::fullStatus()), rootSchema().at("properties").at("status"), "status",
             written);
  EXPECT_EQ(written, declared);
}

TEST(CrdSchemaTest, EnumsMatchTheCppNames) {
  EXPECT_EQ(schemaEnum("spec.traffic.provider"), cppNames<TrafficProvider>());
  EXPECT_EQ(schemaEnum("spec.analysis.metrics[].builtin"), cppNames<BuiltinMetric>());
  EXPECT_EQ(schemaEnum("spec.analysis.noData"), cppNames<NoDataPolicy>());
  EXPECT_EQ(schemaEnum("spec.strategy.canaryScale"), cppNames<CanaryScale>());
  EXPECT_EQ(schemaEnum("status.phase"), cppNames<Phase>());
  EXPECT_EQ(schemaEnum("status.analysis[].result"), cppNames<CheckResult>());
  EXPECT_EQ(schemaEnum("status.history[].outcome"), cppNames<Outcome>());
  EXPECT_EQ(schemaEnum("status.requests.promote"), cppNames<PromoteRequest>());
  EXPECT_EQ(schemaEnum("spec.model.runtime"),
            std::vector<std::string>(kRuntimes.begin(), kRuntimes.end()));
}

TEST(CrdSchemaTest, DefaultsMatchTheCppDefaults) {
  const json defaults = toJson(ModelDeploymentSpec{});
  EXPECT_EQ(schemaAt("spec.replicas").at("default"), defaults.at("replicas"));
  EXPECT_EQ(schemaAt("spec.model.runtime").at("default"), defaults.at("model").at("runtime"));
  EXPECT_EQ(schemaAt("spec.traffic.provider").at("default"), defaults.at("traffic").at("provider"));
  EXPECT_EQ(schemaAt("spec.analysis.interval").at("default"),
            defaults.at("analysis").at("interval"));
  EXPECT_EQ(schemaAt("spec.analysis.failureLimit").at("default"),
            defaults.at("analysis").at("failureLimit"));
  EXPECT_EQ(schemaAt("spec.analysis.noData").at("default"), defaults.at("analysis").at("noData"));
  EXPECT_EQ(schemaAt("spec.progressDeadlineSeconds").at("default"),
            defaults.at("progressDeadlineSeconds"));
  EXPECT_EQ(schemaAt("spec.strategy.scaleDownDelay").at("default"),
            defaults.at("strategy").at("scaleDownDelay"));
  EXPECT_EQ(schemaAt("spec.strategy.canaryScale").at("default"),
            defaults.at("strategy").at("canaryScale"));
}

TEST(CrdSchemaTest, BoundsMatchValidate) {
  EXPECT_EQ(schemaAt("spec.replicas").at("minimum"), 1);
  EXPECT_EQ(schemaAt("spec.replicas").at("maximum"), 1000);
  EXPECT_EQ(schemaAt("spec.strategy.steps[].setWeight").at("minimum"), 0);
  EXPECT_EQ(schemaAt("spec.strategy.steps[].setWeight").at("maximum"), 100);
  EXPECT_EQ(schemaAt("spec.strategy.steps").at("maxItems"), 50);
  EXPECT_EQ(schemaAt("spec.analysis.metrics").at("maxItems"), 20);
  EXPECT_EQ(schemaAt("spec.analysis.failureLimit").at("minimum"), 1);
  EXPECT_EQ(schemaAt("spec.progressDeadlineSeconds").at("minimum"), 10);
}

TEST(CrdSchemaTest, ProvenanceBoundsMatchValidate) {
  EXPECT_EQ(schemaAt("spec.model.provenance.dataset.uri").at("maxLength"), kMaxProvenanceUri);
  EXPECT_EQ(schemaAt("spec.model.provenance.trainingRun").at("maxLength"), kMaxProvenanceUri);
  EXPECT_EQ(schemaAt("spec.model.provenance.owner").at("maxLength"), kMaxProvenanceText);
  EXPECT_EQ(schemaAt("spec.model.provenance.intendedUse").at("maxLength"), kMaxIntendedUse);
  EXPECT_EQ(schemaAt("spec.model.provenance.labels").at("maxProperties"), kMaxProvenanceLabels);
  EXPECT_EQ(schemaAt("spec.model.provenance.labels").at("additionalProperties").at("maxLength"),
            kMaxLabelValue);
  EXPECT_EQ(schemaAt("spec.model.provenance.dataset").at("required"), json::array({"uri"}));
}

TEST(CrdSchemaTest, PrinterColumnsPointAtSchemaFields) {
  std::vector<std::string> names;
  for (const auto& column : version().at("additionalPrinterColumns")) {
    names.push_back(column.at("name"));
    const std::string path = column.at("jsonPath").get<std::string>().substr(1);
    if (path.starts_with("metadata.")) continue;
    EXPECT_NO_THROW(schemaAt(path)) << column.dump();
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"Phase", "Stable", "Canary", "Weight", "Step", "Age"}));
}

TEST(CrdSchemaTest, CrossFieldRulesAreDeclaredAsCel) {
  std::set<std::string> messages;
  for (const char* path : {"spec.traffic", "spec.strategy.steps[]", "spec.analysis.metrics[]"}) {
    for (const auto& rule : schemaAt(path).at("x-kubernetes-validations")) {
      messages.insert(rule.at("message"));
    }
  }
  EXPECT_TRUE(messages.contains("max or min must be set on every metric"));
  EXPECT_TRUE(messages.contains("setWeight must be between 0 and 100"));
  EXPECT_TRUE(messages.contains("each step sets exactly one of setWeight or pause"));
  EXPECT_TRUE(messages.contains("gatewayAPI is required when provider is gatewayAPI"));
}

TEST(CrdSchemaTest, ShadowWithoutAMeshIsRejectedAsCel) {
  std::set<std::string> messages;
  for (const auto& rule : schemaAt("spec").at("x-kubernetes-validations")) {
    messages.insert(rule.at("message"));
  }
  EXPECT_TRUE(messages.contains(
      "strategy.shadow needs a mesh provider: the replicas provider cannot mirror traffic"));
}

// The duration bounds validate() checks are CEL rules too, so that "0s" or "500ms" never reaches
// the controller through admission.
TEST(CrdSchemaTest, DurationBoundsAreDeclaredAsCel) {
  const std::pair<const char*, const char*> bounds[] = {
      {"spec.strategy.steps[].pause.duration", "duration(self) > duration('0s')"},
      {"spec.strategy.shadow.duration", "duration(self) > duration('0s')"},
      {"spec.analysis.interval", "duration(self) >= duration('1s')"},
      {"spec.strategy.scaleDownDelay", "duration(self) <= duration('1h')"},
      {"spec.monitoring.drift.for", "duration(self) <= duration('168h')"},
      {"spec.monitoring.drift.interval",
       "duration(self) >= duration('5s') && duration(self) <= duration('1h')"},
  };
  for (const auto& [path, rule] : bounds) {
    std::set<std::string> rules;
    for (const auto& r : schemaAt(path).at("x-kubernetes-validations")) rules.insert(r.at("rule"));
    EXPECT_TRUE(rules.contains(rule)) << path;
  }
}

}  // namespace
}  // namespace aviary::api
