#include "common/duration.h"

#include <gtest/gtest.h>

namespace aviary {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDurationTest, ReadsEveryUnitAndSums) {
  struct Row {
    const char* text;
    Duration want;
  };
  const Row rows[] = {
      {"0s", Duration{0}},
      {"30s", seconds{30}},
      {"1m", minutes{1}},
      {"2h", hours{2}},
      {"500ms", milliseconds{500}},
      {"1h30m", minutes{90}},
      {"1m30s", seconds{90}},
      {"1h2m3s4ms", hours{1} + minutes{2} + seconds{3} + milliseconds{4}},
  };
  for (const auto& row : rows) {
    auto got = parseDuration(row.text);
    ASSERT_TRUE(got.has_value()) << row.text << ": " << got.error().message;
    EXPECT_EQ(*got, row.want) << row.text;
  }
}

TEST(ParseDurationTest, RejectsMalformedTextWithAReason) {
  for (const char* text : {"", "s", "10", "10x", "-5s", "1.5s", "5 s"}) {
    auto got = parseDuration(text);
    ASSERT_FALSE(got.has_value()) << text;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(got.error().message.empty());
  }
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  for (Duration d : {Duration{0}, Duration{seconds{90}}, Duration{hours{1} + milliseconds{5}},
                     Duration{minutes{5}}}) {
    auto back = parseDuration(formatDuration(d));
    ASSERT_TRUE(back.has_value()) << formatDuration(d);
    EXPECT_EQ(*back, d);
  }
  EXPECT_EQ(formatDuration(seconds{90}), "1m30s");
}

}  // namespace
}  // namespace aviary
