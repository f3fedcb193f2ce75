#include "common/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace aviary {
namespace {

struct Case {
  std::string_view name;
  std::string_view text;
  std::string_view want;
};

class JsonStringTest : public ::testing::TestWithParam<Case> {};

TEST_P(JsonStringTest, WritesAValidLiteral) {
  const std::string literal = jsonString(GetParam().text);
  EXPECT_EQ(literal, GetParam().want);
  // Whatever went in, what comes out is one JSON string.
  const auto parsed = nlohmann::json::parse(literal, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(parsed.is_string()) << literal;
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonStringTest,
    ::testing::Values(Case{"Empty", "", R"("")"}, Case{"Plain", "model churn", R"("model churn")"},
                      Case{"QuotesAndBackslash", R"(say "hi" \o/)", R"("say \"hi\" \\o/")"},
                      Case{"ShortEscapes", "a\nb\tc\rd\be\ff", R"("a\nb\tc\rd\be\ff")"},
                      Case{"OtherControls", std::string_view("\x01\x1f\0", 3),
                           R"("\u0001\u001f\u0000")"},
                      Case{"Utf8Kept", "Zürich → 東京 🐦", "\"Zürich → 東京 🐦\""},
                      Case{"LoneContinuationByte", "a\x80z", "\"a\xEF\xBF\xBDz\""},
                      Case{"TruncatedSequence", "caf\xC3", "\"caf\xEF\xBF\xBD\""},
                      Case{"OverlongSlash", "\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""},
                      Case{"Surrogate", "\xED\xA0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""},
                      Case{"AboveMaxCodePoint", "\xF4\x90\x80\x80",
                           "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JsonStringTest, AppendsToWhatIsThere) {
  std::string out = "{\"msg\":";
  appendJsonString(out, "ok");
  EXPECT_EQ(out, R"({"msg":"ok")");
}

}  // namespace
}  // namespace aviary
