#include <gtest/gtest.h>

#include "governance/render.h"
#include "tests/governance/sample_card.h"

namespace aviary::governance {
namespace {

constexpr const char* kGolden = "tests/governance/testdata/card.md";

TEST(RenderMarkdownTest, MatchesTheGoldenCard) {
  const auto got = renderMarkdown(testing::sampleCard());
  EXPECT_EQ(got, testing::readGolden(kGolden, got));
}

TEST(RenderMarkdownTest, ATimelineRowPerEntryAndAValueRowPerRound) {
  const auto got = renderMarkdown(testing::sampleCard());
  EXPECT_NE(got.find("| 2026-12-01T10:01:30Z | step | 1 | 50% | setWeight 50 |"),
            std::string::npos);
  EXPECT_NE(got.find("### errors (errorRate, 0 ≤ value ≤ 2)"), std::string::npos);
  EXPECT_NE(got.find("| 2026-12-01T10:01:00Z | 3.5 | Fail |"), std::string::npos);
  EXPECT_NE(got.find("| 2026-12-01T10:02:00Z | - | NoData |"), std::string::npos);
}

TEST(RenderMarkdownTest, APipeInProvenanceCannotBreakATable) {
  auto card = testing::sampleCard();
  card.timeline[0].detail = "a|b";
  EXPECT_NE(renderMarkdown(card).find("a\\|b"), std::string::npos);
}

}  // namespace
}  // namespace aviary::governance
