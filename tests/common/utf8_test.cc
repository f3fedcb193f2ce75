#include "common/utf8.h"

#include <gtest/gtest.h>

namespace aviary {
namespace {

TEST(Utf8PrefixTest, KeepsShortTextWhole) {
  EXPECT_EQ(utf8Prefix("abc", 3), "abc");
  EXPECT_EQ(utf8Prefix("", 0), "");
}

TEST(Utf8PrefixTest, CutsAsciiAtTheLimit) { EXPECT_EQ(utf8Prefix("abcdef", 4), "abcd"); }

TEST(Utf8PrefixTest, NeverSplitsACharacter) {
  const std::string_view text = "ab\xC3\xBC\xE6\x9D\xB1";  // "abü東": 2 + 2 + 3 bytes
  EXPECT_EQ(utf8Prefix(text, 2), "ab");
  EXPECT_EQ(utf8Prefix(text, 3), "ab");  // inside ü
  EXPECT_EQ(utf8Prefix(text, 4), "ab\xC3\xBC");
  EXPECT_EQ(utf8Prefix(text, 5), "ab\xC3\xBC");  // inside 東
  EXPECT_EQ(utf8Prefix(text, 6), "ab\xC3\xBC");
  EXPECT_EQ(utf8Prefix(text, 7), text);
}

TEST(Utf8PrefixTest, CutsBeforeAFourByteCharacter) {
  const std::string_view bird = "\xF0\x9F\x90\xA6";  // U+1F426
  for (std::size_t limit = 0; limit < 4; ++limit) EXPECT_EQ(utf8Prefix(bird, limit), "");
}

}  // namespace
}  // namespace aviary
