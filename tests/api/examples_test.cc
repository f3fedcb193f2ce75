// Every ModelDeployment in examples/ is valid: what users copy must work.
#include <gtest/gtest.h>

#include <filesystem>

#include "api/json.h"
#include "tests/api/yaml_to_json.h"

namespace aviary::api {
namespace {

TEST(ExamplesTest, EveryExampleModelDeploymentIsValid) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator("examples")) {
    if (entry.path().extension() != ".yaml") continue;
    for (const auto& document : YAML::LoadAllFromFile(entry.path().string())) {
      const auto object = testing::yamlToJson(document);
      if (object.value("kind", "") != "ModelDeployment") continue;
      EXPECT_EQ(object.at("apiVersion"), "aviary.dev/v1alpha1") << entry.path();
      auto spec = specFromJson(object.at("spec"));
      EXPECT_TRUE(spec.has_value()) << entry.path() << ": " << spec.error().message;
      ++checked;
    }
  }
  EXPECT_GE(checked, 2);
}

}  // namespace
}  // namespace aviary::api
