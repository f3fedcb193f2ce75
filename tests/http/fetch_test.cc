#include "http/fetch.h"

#include <gtest/gtest.h>

#include "tests/support/replay_server.h"

namespace aviary::http {
namespace {

using testing::ReplayResponse;
using testing::ReplayServer;

ReplayResponse redirectTo(int status, const std::string& location) {
  ReplayResponse response = ReplayResponse::json(status, "");
  response.headers.emplace_back("Location", location);
  return response;
}

TEST(FetchTest, ReadsTheWholeBody) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, R"({"learner":{}})"));
  auto body = fetch(server.url() + "/models/churn.json", {});
  ASSERT_TRUE(body.has_value()) << body.error().message;
  EXPECT_EQ(*body, R"({"learner":{}})");
  EXPECT_EQ(server.requests().at(0).target, "/models/churn.json");
}

TEST(FetchTest, FollowsRedirectsUpToTheLimit) {
  ReplayServer server;
  server.enqueue(redirectTo(302, "/moved"));
  server.enqueue(redirectTo(307, server.url() + "/final"));
  server.enqueue(ReplayResponse::json(200, "bytes"));
  auto body = fetch(server.url() + "/start", {});
  ASSERT_TRUE(body.has_value()) << body.error().message;
  EXPECT_EQ(*body, "bytes");
  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.requests()[1].target, "/moved");
  EXPECT_EQ(server.requests()[2].target, "/final");

  ReplayServer loop;
  for (int i = 0; i < 3; ++i) loop.enqueue(redirectTo(302, "/again"));
  FetchOptions options;
  options.max_redirects = 2;
  auto looped = fetch(loop.url() + "/again", options);
  ASSERT_FALSE(looped.has_value());
  EXPECT_EQ(looped.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(looped.error().message.find("more than 2 redirects"), std::string::npos);
}

TEST(FetchTest, RefusesABodyOverTheLimit) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, std::string(2048, 'x')));
  FetchOptions options;
  options.max_bytes = 1024;
  auto body = fetch(server.url() + "/big", options);
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code, ErrorCode::kResourceExhausted);
}

TEST(FetchTest, MapsStatusesAndBadUrls) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(404, "no"));
  server.enqueue(ReplayResponse::json(500, "oops"));
  EXPECT_EQ(fetch(server.url() + "/a", {}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(fetch(server.url() + "/b", {}).error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(fetch("ftp://host/model", {}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(fetch("http://user:pw@host/model", {}).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace aviary::http
