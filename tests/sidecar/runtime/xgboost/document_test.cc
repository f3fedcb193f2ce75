#include "sidecar/runtime/xgboost/document.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "tests/sidecar/fixtures.h"

namespace aviary::sidecar::xgboost {
namespace {

using sidecar::testing::asBytes;

TEST(DocumentTest, ReadsJsonKeepingNumberArraysCompact) {
  auto document = readDocument(asBytes(R"({"a": [1, 2.5, 3E-1], "b": {"c": "d"}, "e": [1, "x"]})"));
  ASSERT_TRUE(document.has_value()) << document.error().message;
  const Value* a = document->find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->isNumberArray());
  ASSERT_EQ(a->numbers.size(), 3u);
  EXPECT_TRUE(a->numbers[0].integer);
  EXPECT_EQ(a->numbers[1].f32, 2.5f);
  EXPECT_EQ(a->numbers[2].f32, 0.3f);
  EXPECT_EQ(document->find("b")->find("c")->text, "d");
  const Value* e = document->find("e");
  ASSERT_EQ(e->items.size(), 2u);
  EXPECT_EQ(e->items[0].number.value, 1.0);
  EXPECT_EQ(e->items[1].text, "x");
  EXPECT_EQ(document->find("missing"), nullptr);
}

TEST(DocumentTest, RoundsDecimalTextToFloatOnce) {
  // 1.00000005960464477539 is halfway between two floats; just above it rounds up. Through a
  // double it would round to the halfway point and then to even (down).
  auto document = readDocument(asBytes(R"({"x": [1.000000059604644776]})"));
  ASSERT_TRUE(document.has_value());
  EXPECT_EQ(document->find("x")->numbers[0].f32, std::nextafter(1.0f, 2.0f));
}

TEST(DocumentTest, ReadsUbjsonAsXGBoostWritesIt) {
  // {"n": [$d#L 2 floats big-endian 1.5, -2.0], "s": "ok"}
  constexpr char kUbjson[] =
      "{L\x00\x00\x00\x00\x00\x00\x00\x01n[$d#L\x00\x00\x00\x00\x00\x00\x00\x02"
      "\x3f\xc0\x00\x00\xc0\x00\x00\x00"
      "L\x00\x00\x00\x00\x00\x00\x00\x01sSL\x00\x00\x00\x00\x00\x00\x00\x02ok}";
  const std::string ubjson(kUbjson, sizeof(kUbjson) - 1);
  auto document = readDocument(asBytes(ubjson));
  ASSERT_TRUE(document.has_value()) << document.error().message;
  const Value* n = document->find("n");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->numbers.size(), 2u);
  EXPECT_EQ(n->numbers[0].f32, 1.5f);
  EXPECT_EQ(n->numbers[1].f32, -2.0f);
  EXPECT_EQ(document->find("s")->text, "ok");
}

TEST(DocumentTest, RefusesWhatIsNotOneObject) {
  for (const std::string bad :
       {"", "[1]", "{\"a\": 1} {", "{\"a\": 1}{\"b\": 2}", "{\"a\": tru}"}) {
    auto document = readDocument(asBytes(bad));
    EXPECT_FALSE(document.has_value()) << bad;
  }
}

}  // namespace
}  // namespace aviary::sidecar::xgboost
