#include "sidecar/protocol/json_cursor.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace aviary::sidecar {
namespace {

// Whether the cursor takes `text` as exactly one JSON value.
bool cursorAccepts(std::string_view text) {
  JsonCursor json(text);
  return json.skipValue().has_value() && json.expectEnd().has_value();
}

struct Document {
  const char* what;
  std::string text;
  bool valid;
};

class JsonCursorGrammarTest : public ::testing::TestWithParam<Document> {};

// Each row is checked twice: against the expectation written here, and against nlohmann's
// validator, so the cursor accepts exactly the JSON that a full parser accepts.
TEST_P(JsonCursorGrammarTest, AcceptsExactlyValidJson) {
  const Document& doc = GetParam();
  EXPECT_EQ(cursorAccepts(doc.text), doc.valid) << doc.what << ": " << doc.text;
  EXPECT_EQ(nlohmann::json::accept(doc.text), doc.valid) << "row is wrong: " << doc.what;
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonCursorGrammarTest,
    ::testing::Values(
        Document{"object", R"({"a":[1,-2.5e+3,true,false,null,"x"],"b":{}})", true},
        Document{"whitespace everywhere", " \t\r\n{ \"a\" : [ 1 , 2 ] } \n", true},
        Document{"scalar", "0", true}, Document{"negative zero", "-0", true},
        Document{"exponent", "1E-7", true}, Document{"fraction", "0.5", true},
        Document{"below double's range", "-1e-400", true},
        Document{"beyond double's range", "[1e309]", false},
        Document{"integer beyond double's range", std::string(400, '9'), false},
        Document{"escapes", R"("\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00")", true},
        Document{"utf-8", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", true},
        Document{"empty text", "", false}, Document{"only space", "  ", false},
        Document{"unclosed object", "{", false}, Document{"unclosed array", "[1", false},
        Document{"trailing comma in array", "[1,]", false},
        Document{"trailing comma in object", R"({"a":1,})", false},
        Document{"leading comma", "[,1]", false}, Document{"missing comma", "[1 2]", false},
        Document{"missing colon", R"({"a" 1})", false},
        Document{"key not a string", "{a:1}", false}, Document{"leading zero", "01", false},
        Document{"bare dot", "1.", false}, Document{"dot first", ".5", false},
        Document{"plus sign", "+1", false}, Document{"lone minus", "-", false},
        Document{"empty exponent", "1e", false}, Document{"NaN", "NaN", false},
        Document{"Infinity", "[Infinity]", false}, Document{"bad literal", "nul", false},
        Document{"capital literal", "True", false}, Document{"two values", "1 2", false},
        Document{"single quotes", "'a'", false},
        Document{"raw newline in string", "\"a\nb\"", false},
        Document{"bad escape", R"("\x")", false},
        Document{"short unicode escape", R"("\u12")", false},
        Document{"lone low surrogate", R"("\udc00")", false},
        Document{"lone high surrogate", R"("\ud800x")", false},
        Document{"overlong utf-8", "\"\xc0\x80\"", false},
        Document{"utf-8 surrogate", "\"\xed\xa0\x80\"", false},
        Document{"above U+10FFFF", "\"\xf4\x90\x80\x80\"", false},
        Document{"truncated utf-8", "\"\xe2\x82\"", false},
        Document{"stray continuation byte", "\"\x80\"", false},
        Document{"nul byte", std::string("[1,\0]", 5), false}));

TEST(JsonCursorTest, WalksMembersAndElementsInOrder) {
  JsonCursor json(R"({"name":"x","data":[1.5,[2,3]],"flag":true})");
  ASSERT_TRUE(json.enterObject());
  std::string key;
  ASSERT_TRUE(json.nextMember(key).value());
  EXPECT_EQ(key, "name");
  EXPECT_EQ(json.readString().value(), "x");
  ASSERT_TRUE(json.nextMember(key).value());
  EXPECT_EQ(key, "data");
  EXPECT_EQ(json.skipValue().value(), "[1.5,[2,3]]");
  ASSERT_TRUE(json.nextMember(key).value());
  EXPECT_EQ(json.readBool().value(), true);
  EXPECT_FALSE(json.nextMember(key).value());
  EXPECT_TRUE(json.expectEnd());
}

TEST(JsonCursorTest, NumbersKeepTheirTextAndSayWhetherIntegral) {
  JsonCursor json("[12,-3.25,4e2]");
  ASSERT_TRUE(json.enterArray());
  ASSERT_TRUE(json.nextElement().value());
  EXPECT_EQ(json.readNumber()->text, "12");
  ASSERT_TRUE(json.nextElement().value());
  const JsonNumber fraction = json.readNumber().value();
  EXPECT_EQ(fraction.text, "-3.25");
  EXPECT_FALSE(fraction.integer);
  ASSERT_TRUE(json.nextElement().value());
  EXPECT_FALSE(json.readNumber()->integer);
  EXPECT_FALSE(json.nextElement().value());
}

// The cursor converts short numbers itself (Clinger's fast path) and long ones with from_chars;
// both must give from_chars' correctly rounded double, bit for bit.
TEST(JsonCursorTest, NumbersConvertExactlyAsFromChars) {
  std::mt19937_64 engine(7);
  std::uniform_int_distribution<int> length(1, 22);
  std::uniform_int_distribution<int> digit(0, 9);
  std::uniform_int_distribution<int> exponent(-330, 330);
  std::uniform_int_distribution<int> coin(0, 3);
  for (int i = 0; i < 200000; ++i) {
    std::string text = coin(engine) == 0 ? "-" : "";
    const int integer_digits = length(engine);
    text += static_cast<char>('1' + digit(engine) % 9);
    for (int d = 1; d < integer_digits; ++d) text += static_cast<char>('0' + digit(engine));
    if (coin(engine) != 0) {
      text += '.';
      const int fraction_digits = length(engine);
      for (int d = 0; d < fraction_digits; ++d) text += static_cast<char>('0' + digit(engine));
    }
    const int kind = coin(engine);
    if (kind == 1) text += "e" + std::to_string(exponent(engine) / 10);
    if (kind == 2) text += "E" + std::to_string(exponent(engine));
    double expected = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), expected);
    JsonCursor json(text);
    auto number = json.readNumber();
    if (error == std::errc::result_out_of_range) continue;  // the range rules are tested above
    ASSERT_TRUE(number) << text;
    ASSERT_EQ(std::bit_cast<uint64_t>(number->value), std::bit_cast<uint64_t>(expected)) << text;
  }
}

TEST(JsonCursorTest, RefusesNestingDeeperThanTheLimit) {
  const int depth = JsonCursor::kMaxDepth;
  EXPECT_TRUE(cursorAccepts(std::string(depth, '[') + std::string(depth, ']')));
  const std::string too_deep = std::string(depth + 1, '[') + std::string(depth + 1, ']');
  JsonCursor deep(too_deep);
  auto skipped = deep.skipValue();
  ASSERT_FALSE(skipped);
  EXPECT_NE(skipped.error().message.find("nested too deeply"), std::string::npos);
}

TEST(JsonCursorTest, SyntaxErrorsSayWhereAndWhat) {
  JsonCursor json(R"({"a":[1,]})");
  auto skipped = json.skipValue();
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(skipped.error().message,
            "request body is not valid JSON (at byte 8: expected a value)");
}

}  // namespace
}  // namespace aviary::sidecar
