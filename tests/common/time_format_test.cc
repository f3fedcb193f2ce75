#include "common/time_format.h"

#include <gtest/gtest.h>

namespace aviary {
namespace {

TEST(Rfc3339Test, FormatsAndParsesUtc) {
  auto parsed = parseRfc3339("2026-11-25T09:23:31Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(formatRfc3339(*parsed), "2026-11-25T09:23:31Z");
}

TEST(Rfc3339Test, AppliesOffsetsAndKeepsMilliseconds) {
  auto with_offset = parseRfc3339("2026-11-25T11:23:31+02:00");
  auto utc = parseRfc3339("2026-11-25T09:23:31Z");
  ASSERT_TRUE(with_offset && utc);
  EXPECT_EQ(*with_offset, *utc);
  auto fractional = parseRfc3339("2026-11-25T09:23:31.250Z");
  ASSERT_TRUE(fractional.has_value());
  EXPECT_EQ(*fractional - *utc, std::chrono::milliseconds{250});
  EXPECT_EQ(formatRfc3339(*fractional), "2026-11-25T09:23:31.250Z");
}

TEST(Rfc3339Test, RejectsWhatIsNotATime) {
  for (const char* text :
       {"", "yesterday", "2026-13-01T00:00:00Z", "2026-11-25 09:23:31Z", "2026-11-25T09:23:31"}) {
    EXPECT_FALSE(parseRfc3339(text).has_value()) << text;
  }
}

TEST(MicroTimeTest, WritesSixFractionDigits) {
  EXPECT_EQ(formatMicroTime(Timestamp{std::chrono::milliseconds{1764062611123}}),
            "2025-11-25T09:23:31.123000Z");
  EXPECT_EQ(formatMicroTime(Timestamp{std::chrono::milliseconds{1764062611000}}),
            "2025-11-25T09:23:31.000000Z");
}

}  // namespace
}  // namespace aviary
