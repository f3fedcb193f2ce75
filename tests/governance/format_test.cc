#include "governance/format.h"

#include <gtest/gtest.h>

#include <limits>

namespace aviary::governance {
namespace {

TEST(FormatNumberTest, SixSignificantDigitsWithoutTrailingZeros) {
  EXPECT_EQ(formatNumber(0.25), "0.25");
  EXPECT_EQ(formatNumber(120.0), "120");
  EXPECT_EQ(formatNumber(1.0 / 3), "0.333333");
  EXPECT_EQ(formatNumber(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(formatNumber(std::optional<double>()), "-");
}

TEST(EscapeTest, HtmlEscapesMarkupAndQuotes) {
  EXPECT_EQ(escapeHtml("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST(EscapeTest, MarkdownCellsKeepOneLineAndNoStrayPipes) {
  EXPECT_EQ(escapeMarkdownCell("a|b\nc"), "a\\|b c");
}

}  // namespace
}  // namespace aviary::governance
