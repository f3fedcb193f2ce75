#include <gtest/gtest.h>

#include "governance/render.h"
#include "tests/governance/sample_card.h"

namespace aviary::governance {
namespace {

constexpr const char* kGolden = "tests/governance/testdata/card.json";

TEST(RenderJsonTest, MatchesTheGoldenCard) {
  const auto got = renderJson(testing::sampleCard()).dump(2) + "\n";
  EXPECT_EQ(got, testing::readGolden(kGolden, got));
}

TEST(RenderJsonTest, CarriesTheModelWithItsProvenanceUnderTheCrdNames) {
  const auto json = renderJson(testing::sampleCard());
  EXPECT_EQ(json.at("model").at("provenance").at("codeCommit"),
            "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(json.at("model").at("sha256"), std::string(64, 'a'));
  EXPECT_EQ(json.at("outcome"), "Promoted");
}

TEST(RenderJsonTest, ARoundWithoutAValueIsNull) {
  const auto json = renderJson(testing::sampleCard());
  const auto& samples = json.at("gates").at(0).at("samples");
  EXPECT_EQ(samples.at(1).at("value"), 44.5);
  EXPECT_TRUE(samples.at(2).at("value").is_null());
  EXPECT_EQ(samples.at(2).at("result"), "NoData");
  EXPECT_TRUE(json.at("gates").at(0).at("min").is_null());
}

}  // namespace
}  // namespace aviary::governance
