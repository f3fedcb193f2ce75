#include "kube/rest_client.h"

#include <gtest/gtest.h>

#include <stop_token>
#include <thread>

#include "tests/support/replay_server.h"

namespace aviary::kube {
namespace {

using testing::ReplayResponse;
using testing::ReplayServer;

std::shared_ptr<RestClient> clientFor(const ReplayServer& server) {
  RestConfig config;
  config.server = server.url();
  config.token = "s3cret";
  config.qps = 0;  // no client-side limit in these tests
  config.timeout = std::chrono::seconds{10};
  auto client = RestClient::create(config);
  EXPECT_TRUE(client.has_value()) << client.error().message;
  return *client;
}

const ResourceRef kCm = resources::kConfigMaps.in("ml");

TEST(RestClientTest, GetsAnObjectByItsPathWithTheBearerToken) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, R"({"kind":"ConfigMap","metadata":{"name":"a"}})"));
  auto got = clientFor(server)->get(kCm.named("a"));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ((*got)["metadata"]["name"], "a");
  auto request = server.requests().at(0);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/api/v1/namespaces/ml/configmaps/a");
  EXPECT_EQ(request.header("Authorization"), "Bearer s3cret");
  EXPECT_EQ(request.header("Accept"), "application/json");
}

TEST(RestClientTest, ListPassesSelectorsAndPagingAndFillsKinds) {
  ReplayServer server;
  server.enqueue(
      ReplayResponse::json(200, R"({"kind":"ModelDeploymentList","apiVersion":"aviary.dev/v1alpha1",
               "metadata":{"resourceVersion":"42","continue":"next"},
               "items":[{"metadata":{"name":"a"}}]})"));
  ListOptions options;
  options.label_selector = "app=churn";
  options.field_selector = "metadata.name=a";
  options.limit = 1;
  auto list = clientFor(server)->list(resources::kModelDeployments.in("ml"), options);
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_EQ(list->resource_version, "42");
  EXPECT_EQ(list->continue_token, "next");
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]["kind"], "ModelDeployment");
  EXPECT_EQ(list->items[0]["apiVersion"], "aviary.dev/v1alpha1");
  EXPECT_EQ(server.requests().at(0).target,
            "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments"
            "?labelSelector=app%3Dchurn&fieldSelector=metadata.name%3Da&limit=1");
}

TEST(RestClientTest, WritesCarryTheFieldManagerAndTheRightContentTypes) {
  ReplayServer server;
  for (int i = 0; i < 5; ++i) server.enqueue(ReplayResponse::json(200, R"({"metadata":{}})"));
  auto client = clientFor(server);
  Json object = {{"metadata", {{"name", "a"}, {"namespace", "ml"}}}};
  ASSERT_TRUE(client->create(resources::kConfigMaps, object).has_value());
  ASSERT_TRUE(client->update(resources::kConfigMaps, object).has_value());
  ASSERT_TRUE(client->updateStatus(resources::kModelDeployments, object).has_value());
  ASSERT_TRUE(
      client->patch(kCm.named("a"), PatchType::kMerge, {{"data", {{"k", "v"}}}}).has_value());
  PatchOptions force;
  force.force = true;
  ASSERT_TRUE(client
                  ->patchStatus(resources::kModelDeployments.in("ml").named("a"), PatchType::kApply,
                                object, force)
                  .has_value());
  auto requests = server.requests();
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/api/v1/namespaces/ml/configmaps?fieldManager=aviary");
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].target, "/api/v1/namespaces/ml/configmaps/a?fieldManager=aviary");
  EXPECT_EQ(
      requests[2].target,
      "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/a/status?fieldManager=aviary");
  EXPECT_EQ(requests[3].method, "PATCH");
  EXPECT_EQ(requests[3].header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(requests[4].header("Content-Type"), "application/apply-patch+yaml");
  EXPECT_EQ(requests[4].target,
            "/apis/aviary.dev/v1alpha1/namespaces/ml/modeldeployments/a/status"
            "?fieldManager=aviary&force=true");
}

TEST(RestClientTest, DecodesStatusErrorsIntoTypedCodes) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(
      409,
      R"({"kind":"Status","reason":"Conflict","code":409,"message":"the object has been modified"})"));
  auto result = clientFor(server)->update(kCm.named("a"), {{"metadata", {{"name", "a"}}}});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_NE(result.error().message.find("the object has been modified"), std::string::npos);
}

TEST(RestClientTest, HonoursRetryAfterOnTooManyRequests) {
  ReplayServer server;
  auto busy =
      ReplayResponse::json(429, R"({"kind":"Status","reason":"TooManyRequests","code":429})");
  busy.headers.emplace_back("Retry-After", "1");
  server.enqueue(busy);
  server.enqueue(ReplayResponse::json(200, R"({"metadata":{"name":"a"}})"));
  auto started = std::chrono::steady_clock::now();
  auto got = clientFor(server)->get(kCm.named("a"));
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds{950});
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(RestClientTest, TheObserverHearsEveryAttemptWithItsStatus) {
  ReplayServer server;
  auto busy =
      ReplayResponse::json(429, R"({"kind":"Status","reason":"TooManyRequests","code":429})");
  busy.headers.emplace_back("Retry-After", "0");
  server.enqueue(busy);
  server.enqueue(ReplayResponse::json(200, R"({"metadata":{"name":"a"}})"));
  server.enqueue(ReplayResponse::json(409, R"({"kind":"Status","reason":"Conflict","code":409})"));
  auto client = clientFor(server);
  std::vector<std::string> heard;
  client->setRequestObserver([&](std::string_view method, std::string_view target, int status) {
    heard.push_back(std::string(method) + " " + std::string(target) + " " + std::to_string(status));
  });
  ASSERT_TRUE(client->get(kCm.named("a")));
  EXPECT_FALSE(client->update(kCm.named("a"), Json{{"metadata", {{"name", "a"}}}}));
  EXPECT_EQ(heard, (std::vector<std::string>{
                       "GET /api/v1/namespaces/ml/configmaps/a 429",
                       "GET /api/v1/namespaces/ml/configmaps/a 200",
                       "PUT /api/v1/namespaces/ml/configmaps/a?fieldManager=aviary 409"}));
}

TEST(RestClientTest, AStopEndsARetryAfterWaitAtOnce) {
  ReplayServer server;
  auto busy =
      ReplayResponse::json(429, R"({"kind":"Status","reason":"TooManyRequests","code":429})");
  busy.headers.emplace_back("Retry-After", "30");
  server.enqueue(busy);
  auto client = clientFor(server);
  std::stop_source stop;
  client->setStopToken(stop.get_token());
  std::jthread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    stop.request_stop();
  });
  auto started = std::chrono::steady_clock::now();
  auto got = client->get(kCm.named("a"));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{5});
  EXPECT_EQ(server.requests().size(), 1u) << "no retry after the stop";
}

TEST(RestClientTest, AStoppedClientSendsNothing) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, R"({"metadata":{"name":"a"}})"));
  auto client = clientFor(server);
  std::stop_source stop;
  client->setStopToken(stop.get_token());
  stop.request_stop();
  auto updated = client->update(kCm.named("a"), {{"metadata", {{"name", "a"}}}});
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().code, ErrorCode::kCancelled);
  EXPECT_TRUE(server.requests().empty());
}

TEST(RestClientTest, TooManyRequestsWithoutRetryAfterIsReturned) {
  ReplayServer server;
  server.enqueue(
      ReplayResponse::json(429, R"({"kind":"Status","reason":"TooManyRequests","code":429})"));
  EXPECT_EQ(clientFor(server)->get(kCm.named("a")).error().code, ErrorCode::kResourceExhausted);
}

TEST(RestClientTest, DeleteSendsDeleteOptions) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(200, R"({"kind":"Status","status":"Success"})"));
  DeleteOptions options;
  options.propagation_policy = "Foreground";
  options.precondition_uid = "u1";
  ASSERT_TRUE(clientFor(server)->remove(kCm.named("a"), options).has_value());
  auto body = Json::parse(server.requests().at(0).body);
  EXPECT_EQ(body["propagationPolicy"], "Foreground");
  EXPECT_EQ(body["preconditions"]["uid"], "u1");
}

TEST(RestClientTest, WatchDecodesAChunkSplitStreamFromTheGivenVersion) {
  ReplayServer server;
  server.enqueue(ReplayResponse::stream(
      {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})"
       "\n{\"type\":\"BOOK",
       R"(MARK","object":{"metadata":{"resourceVersion":"9"}}})"
       "\n"},
      std::chrono::milliseconds{20}));
  std::vector<WatchEvent> events;
  WatchOptions options;
  options.resource_version = "4";
  options.timeout = std::chrono::seconds{60};
  auto status = clientFor(server)->watch(kCm, options,
                                         [&](const WatchEvent& event) {
                                           events.push_back(event);
                                           return true;
                                         },
                                         {});
  ASSERT_TRUE(status.has_value()) << status.error().message;
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, WatchEvent::Type::kBookmark);
  EXPECT_EQ(server.requests().at(0).target,
            "/api/v1/namespaces/ml/configmaps?watch=true&resourceVersion=4&allowWatchBookmarks=true"
            "&timeoutSeconds=60");
}

TEST(RestClientTest, WatchReportsGoneFromAStatusOrAnErrorEvent) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(410, R"({"kind":"Status","reason":"Expired","code":410})"));
  server.enqueue(ReplayResponse::stream(
      {R"({"type":"ERROR","object":{"kind":"Status","reason":"Expired","code":410,"message":"too old"}})"
       "\n"}));
  auto client = clientFor(server);
  auto ignore = [](const WatchEvent&) { return true; };
  EXPECT_EQ(client->watch(kCm, {}, ignore, {}).error().code, ErrorCode::kGone);
  EXPECT_EQ(client->watch(kCm, {}, ignore, {}).error().code, ErrorCode::kGone);
}

}  // namespace
}  // namespace aviary::kube
