#include "sidecar/drift/csv_table.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aviary::sidecar::drift {
namespace {

TEST(ParseNumericCsvTest, ReadsColumnsByHeader) {
  auto table = parseNumericCsv("a,\"b \"\"q\"\"\",c\r\n1,2.5,-3e2\n+4, 5 ,inf\n\n");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->names, (std::vector<std::string>{"a", "b \"q\"", "c"}));
  EXPECT_EQ(table->columns[0], (std::vector<double>{1, 4}));
  EXPECT_EQ(table->columns[1], (std::vector<double>{2.5, 5}));
  EXPECT_EQ(table->columns[2][0], -300);
  EXPECT_TRUE(std::isinf(table->columns[2][1]));
}

TEST(ParseNumericCsvTest, MissingValuesBecomeNaN) {
  auto table = parseNumericCsv("a,b,c,d,e\n,NA,nan,NULL,1\n");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  for (std::size_t c = 0; c < 4; ++c) EXPECT_TRUE(std::isnan(table->columns[c][0])) << c;
  EXPECT_EQ(table->columns[4][0], 1);
}

TEST(ParseNumericCsvTest, RejectsMalformedTextNamingLineAndColumn) {
  struct Row {
    const char* text;
    const char* says;
  };
  const Row rows[] = {
      {"", "no header"},
      {"a,b\n1\n", "line 2: has 1 fields"},
      {"a,b\n1,x\n", "line 2: column \"b\": not a number"},
      {"a,b\n1,2\n3,4abc\n", "line 3"},
      {"a,a\n1,2\n", "duplicate column"},
      {"a,\n1,2\n", "empty column name"},
      {"\"a,b\n1\n", "unterminated quote"},
  };
  for (const auto& row : rows) {
    auto table = parseNumericCsv(row.text);
    ASSERT_FALSE(table.has_value()) << row.text;
    EXPECT_EQ(table.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(table.error().message.find(row.says), std::string::npos) << table.error().message;
  }
}

}  // namespace
}  // namespace aviary::sidecar::drift
