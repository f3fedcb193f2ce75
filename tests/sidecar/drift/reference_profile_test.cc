#include "sidecar/drift/reference_profile.h"

#include <gtest/gtest.h>

#include <string>

namespace aviary::sidecar::drift {
namespace {

nlohmann::json validProfile() {
  return nlohmann::json::parse(R"({
    "version": 1,
    "features": [
      {"name": "age", "count": 4, "bin_edges": [30, 40], "bin_frequencies": [0.25, 0.25, 0.5],
       "sample": [50, 20, 40, 30]},
      {"name": "income", "count": 2, "bin_edges": [], "bin_frequencies": [1], "sample": [1.5]}
    ]
  })");
}

TEST(ReferenceProfileTest, ReadsAValidProfileAndSortsSamples) {
  auto profile = ReferenceProfile::fromJson(validProfile());
  ASSERT_TRUE(profile.has_value()) << profile.error().message;
  ASSERT_EQ(profile->width(), 2u);
  const FeatureProfile& age = profile->features()[0];
  EXPECT_EQ(age.name, "age");
  EXPECT_EQ(age.count, 4u);
  EXPECT_EQ(age.bin_edges, (std::vector<double>{30, 40}));
  EXPECT_EQ(age.sample, (std::vector<double>{20, 30, 40, 50}));
  EXPECT_EQ(profile->features()[1].bin_frequencies, (std::vector<double>{1}));
}

TEST(ReferenceProfileTest, RoundTripsThroughJson) {
  auto profile = ReferenceProfile::fromJson(validProfile());
  ASSERT_TRUE(profile.has_value());
  auto again = ReferenceProfile::parse(profile->toJson().dump());
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->toJson(), profile->toJson());
}

TEST(ReferenceProfileTest, RejectsBadProfilesNamingTheField) {
  struct Row {
    const char* json_pointer;  // what to change
    nlohmann::json value;
    const char* field;  // what the message must name
  };
  const Row rows[] = {
      {"/version", 2, "version"},
      {"/features", nlohmann::json::array(), "features"},
      {"/features", "age", "features"},
      {"/features/0/name", "", "features[0].name"},
      {"/features/1/name", "age", "features[1].name"},
      {"/features/0/name", 7, "features[0].name"},
      {"/features/0/count", 0, "features[0].count"},
      {"/features/0/count", -3, "features[0].count"},
      {"/features/0/bin_edges", {40, 30}, "features[0].bin_edges[1]"},
      {"/features/0/bin_edges", {30, 30}, "features[0].bin_edges[1]"},
      {"/features/0/bin_edges/0", "x", "features[0].bin_edges[0]"},
      {"/features/0/bin_frequencies", {0.5, 0.5}, "features[0].bin_frequencies"},
      {"/features/0/bin_frequencies", {0.5, 0.5, 0.5}, "features[0].bin_frequencies"},
      {"/features/0/bin_frequencies", {-0.5, 1, 0.5}, "features[0].bin_frequencies[0]"},
      {"/features/0/sample", nlohmann::json::array(), "features[0].sample"},
      {"/features/0/sample", {1, 2, 3, 4, 5}, "features[0].sample"},
      {"/features/1/sample", "1.5", "features[1].sample"},
  };
  for (const auto& row : rows) {
    nlohmann::json json = validProfile();
    json[nlohmann::json::json_pointer(row.json_pointer)] = row.value;
    auto profile = ReferenceProfile::fromJson(json);
    ASSERT_FALSE(profile.has_value()) << row.json_pointer << " = " << row.value;
    EXPECT_EQ(profile.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(profile.error().message.rfind(std::string(row.field) + ":", 0), 0u)
        << "want the message to start with " << row.field << ", got: " << profile.error().message;
  }
}

TEST(ReferenceProfileTest, RejectsMissingFieldsAndNonJson) {
  for (const char* key : {"name", "count", "bin_edges", "bin_frequencies", "sample"}) {
    nlohmann::json json = validProfile();
    json["features"][0].erase(key);
    auto profile = ReferenceProfile::fromJson(json);
    ASSERT_FALSE(profile.has_value()) << key;
    EXPECT_NE(profile.error().message.find(std::string("features[0].") + key), std::string::npos)
        << profile.error().message;
  }
  EXPECT_FALSE(ReferenceProfile::parse("{not json").has_value());
  EXPECT_FALSE(ReferenceProfile::parse("[]").has_value());
}

}  // namespace
}  // namespace aviary::sidecar::drift
