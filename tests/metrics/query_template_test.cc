#include "metrics/query_template.h"

#include <gtest/gtest.h>

#include <string>

namespace aviary::metrics {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const QueryContext kContext = {
    .name = "churn", .ns = "ml", .canary = "1a2b3c", .stable = "9f8e7d", .interval = "30s"};

struct RenderCase {
  std::string tmpl;
  std::string want;
};

TEST(RenderQueryTest, FillsEveryPlaceholder) {
  const RenderCase cases[] = {
      {"up", "up"},
      {"", ""},
      {R"(x{revision="{{canary}}"})", R"(x{revision="1a2b3c"})"},
      {R"(x{revision="{{stable}}"})", R"(x{revision="9f8e7d"})"},
      {R"(x{namespace="{{namespace}}",md="{{name}}"})", R"(x{namespace="ml",md="churn"})"},
      {"rate(x[{{interval}}])", "rate(x[30s])"},
      {"{{ canary }}/{{\tstable\t}}/{{name }}", "1a2b3c/9f8e7d/churn"},
      {"{{canary}}{{canary}}", "1a2b3c1a2b3c"},
      {R"(sum(rate(orders_total{revision="{{canary}}"}[{{interval}}])))",
       R"(sum(rate(orders_total{revision="1a2b3c"}[30s])))"},
      {"x{a=\"b\"} } }{", "x{a=\"b\"} } }{"},
  };
  for (const auto& c : cases) {
    auto got = renderQuery(c.tmpl, kContext);
    ASSERT_TRUE(got.has_value()) << c.tmpl << ": " << got.error().message;
    EXPECT_EQ(*got, c.want) << c.tmpl;
  }
}

TEST(RenderQueryTest, RejectsUnknownPlaceholdersNamingThem) {
  const std::pair<std::string, std::string> cases[] = {
      {"x{revision=\"{{revision}}\"}", "{{revision}}"},
      {"{{ Canary }}", "{{Canary}}"},
      {"{{}}", "{{}}"},
      {"{{canary}} {{ns}}", "{{ns}}"},
  };
  for (const auto& [tmpl, named] : cases) {
    auto got = renderQuery(tmpl, kContext);
    ASSERT_FALSE(got.has_value()) << tmpl;
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(got.error().message.find("unknown placeholder " + named), std::string::npos)
        << got.error().message;
  }
}

TEST(RenderQueryTest, RejectsAnUnclosedPlaceholderNamingIt) {
  auto got = renderQuery("x{revision=\"{{canary\"}", kContext);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message.find("unclosed placeholder at offset 12"), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find("{{canary"), std::string::npos) << got.error().message;
}

TEST(RenderQueryTest, EscapesValuesSoTheyStayInsideTheirQuotes) {
  QueryContext context = kContext;
  context.name = R"(a"} or vector(1) or x{b=")";
  context.ns = R"(back\slash)";
  context.canary = "two\nlines";
  auto got = renderQuery(R"(x{n="{{name}}",ns="{{namespace}}",r="{{canary}}"})", context);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, R"(x{n="a\"} or vector(1) or x{b=\"",ns="back\\slash",r="two\nlines"})");
}

TEST(EscapeLabelValueTest, EscapesBackslashQuoteAndLineBreaks) {
  const std::pair<std::string, std::string> cases[] = {
      {"plain-value_1.2", "plain-value_1.2"},
      {R"(a"b)", R"(a\"b)"},
      {R"(a\b)", R"(a\\b)"},
      {R"(\")", R"(\\\")"},
      {"a\nb\rc", R"(a\nb\rc)"},
      {"", ""},
  };
  for (const auto& [value, want] : cases) EXPECT_EQ(escapeLabelValue(value), want) << value;
}

TEST(PromqlDurationTest, UsesTheLargestExactUnit) {
  const std::pair<Duration, std::string> cases[] = {
      {seconds(30), "30s"},
      {minutes(1), "1m"},
      {seconds(90), "90s"},
      {minutes(5), "5m"},
      {hours(2), "2h"},
      {minutes(90), "90m"},
      {milliseconds(1500), "1500ms"},
      {milliseconds(1), "1ms"},
      {seconds(1), "1s"},
      {hours(24), "24h"},
      {Duration::zero(), "0s"},
  };
  for (const auto& [duration, want] : cases) {
    EXPECT_EQ(promqlDuration(duration), want) << duration.count() << "ms";
  }
}

}  // namespace
}  // namespace aviary::metrics
