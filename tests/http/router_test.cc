#include "http/router.h"

#include <gtest/gtest.h>

namespace aviary::http {
namespace {

Request request(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

Response echo(std::string text) { return Response{200, "text/plain", std::move(text), {}}; }

TEST(RouterTest, CapturesNamedSegments) {
  Router router;
  router.add(
      "POST", "/v2/models/{name}/versions/{version}/infer",
      [](const Request&, const PathParams& params) {
        return echo(std::string(params.get("name")) + "@" + std::string(params.get("version")));
      });
  const Response response = router.dispatch(request("POST", "/v2/models/churn/versions/7/infer"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "churn@7");
}

TEST(RouterTest, FirstMatchingRouteWinsAndLiteralsMustMatchExactly) {
  Router router;
  router.add("GET", "/v2/health/live",
             [](const Request&, const PathParams&) { return echo("live"); });
  router.add("GET", "/v2/models/{name}",
             [](const Request&, const PathParams&) { return echo("model"); });
  EXPECT_EQ(router.dispatch(request("GET", "/v2/health/live")).body, "live");
  EXPECT_EQ(router.dispatch(request("GET", "/v2/models/x")).body, "model");
  EXPECT_EQ(router.dispatch(request("GET", "/v2/health/lives")).status, 404);
  EXPECT_EQ(router.dispatch(request("GET", "/v2/models/x/extra")).status, 404);
}

TEST(RouterTest, UnknownPathIs404WithJsonError) {
  Router router;
  const Response response = router.dispatch(request("GET", "/nope"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"error":"no route for GET /nope"})");
}

TEST(RouterTest, KnownPathWithOtherMethodIs405) {
  Router router;
  router.add("POST", "/v2/models/{name}/infer",
             [](const Request&, const PathParams&) { return echo(""); });
  EXPECT_EQ(router.dispatch(request("GET", "/v2/models/m/infer")).status, 405);
}

TEST(RouterTest, TrailingSlashIsTheSamePath) {
  Router router;
  router.add("GET", "/v2", [](const Request&, const PathParams&) { return echo("v2"); });
  EXPECT_EQ(router.dispatch(request("GET", "/v2/")).body, "v2");
}

TEST(RouterTest, CapturedSegmentsArePercentDecodedAfterSplitting) {
  Router router;
  router.add("GET", "/v2/models/{name}/versions/{version}",
             [](const Request&, const PathParams& p) {
               return echo(std::string(p.get("name")) + "@" + std::string(p.get("version")));
             });
  EXPECT_EQ(router.dispatch(request("GET", "/v2/models/churn%20eu/versions/2026-11-20")).body,
            "churn eu@2026-11-20");
  // An encoded slash stays inside its segment.
  EXPECT_EQ(router.dispatch(request("GET", "/v2/models/team%2Fchurn/versions/v%2B1")).body,
            "team/churn@v+1");
  // Literal segments match their decoded form too.
  EXPECT_EQ(router.dispatch(request("GET", "/v2/%6Dodels/churn/versions/1")).body, "churn@1");
}

TEST(RouterTest, MalformedPercentEncodingIs400) {
  Router router;
  router.add("GET", "/v2/models/{name}",
             [](const Request&, const PathParams&) { return echo(""); });
  for (const char* path : {"/v2/models/churn%", "/v2/models/churn%2", "/v2/models/churn%zz"}) {
    const Response response = router.dispatch(request("GET", path));
    EXPECT_EQ(response.status, 400) << path;
    EXPECT_NE(response.body.find("percent-encoding"), std::string::npos) << response.body;
  }
}

struct DecodeCase {
  std::string in;
  std::optional<std::string> out;
};

TEST(PercentDecodeTest, DecodesEscapesAndRejectsMalformedOnes) {
  const DecodeCase cases[] = {
      {"", ""},
      {"plain", "plain"},
      {"a%20b", "a b"},
      {"%41%6a%6A", "Ajj"},
      {"a+b", "a+b"},
      {"%00", std::string(1, '\0')},
      {"%", std::nullopt},
      {"%4", std::nullopt},
      {"%g0", std::nullopt},
      {"ok%2", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(percentDecode(c.in), c.out) << c.in;
}

TEST(RequestTest, HeaderLookupIgnoresCase) {
  Request r;
  r.headers = {{"Content-Type", "application/json"}};
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-missing"), "");
}

}  // namespace
}  // namespace aviary::http
