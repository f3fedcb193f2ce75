#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "http/server.h"
#include "tests/support/http_client.h"

namespace aviary::http {
namespace {

using aviary::testing::HttpClient;
using namespace std::chrono_literals;

Server::Ptr startServer(Handler handler, std::size_t max_body = 1024) {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.max_body_bytes = max_body;
  auto server = makeServer(options, std::move(handler));
  EXPECT_TRUE(server->start().has_value());
  return server;
}

Response echoBody(const Request& request) {
  return Response{200,
                  "text/plain",
                  request.method + " " + request.path + "?" + request.query + " " + request.body,
                  {{"X-Seen", std::string(request.header("x-test"))}}};
}

TEST(BeastServerTest, AnswersManyRequestsOnOneKeepAliveConnection) {
  auto server = startServer(echoBody);
  ASSERT_NE(server->port(), 0);
  HttpClient client(server->port());
  for (int i = 0; i < 5; ++i) {
    const auto reply = client.post("/path?x=" + std::to_string(i), "body");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "POST /path?x=" + std::to_string(i) + " body");
    EXPECT_TRUE(reply.keep_alive);
  }
}

TEST(BeastServerTest, BodyOverTheLimitIs413AndClosesTheConnection) {
  auto server = startServer(echoBody, /*max_body=*/16);
  HttpClient client(server->port());
  const auto reply = client.post("/", std::string(17, 'x'));
  EXPECT_EQ(reply.status, 413);
  EXPECT_NE(reply.body.find("\"error\""), std::string::npos);
  EXPECT_FALSE(reply.keep_alive);
  const auto within = HttpClient(server->port()).post("/", std::string(16, 'x'));
  EXPECT_EQ(within.status, 200);
}

TEST(BeastServerTest, LargeBodiesArriveWholeAlternatingWithSmallOnes) {
  // Bodies beyond the first read size, larger than the read buffer's cap, then small again on
  // the same connection: the buffer grown for one body must not lose or repeat bytes.
  auto server = startServer(echoBody, /*max_body=*/1 << 20);
  HttpClient client(server->port());
  for (const std::size_t size : {std::size_t{80'000}, std::size_t{3}, std::size_t{700'000},
                                 std::size_t{513}, std::size_t{80'000}}) {
    std::string body(size, 'a');
    for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + i % 26);
    const auto reply = client.post("/big", body);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "POST /big? " + body) << size;
  }
}

TEST(BeastServerTest, HandlerExceptionBecomes500) {
  auto server = startServer([](const Request&) -> Response { throw std::runtime_error("boom"); });
  const auto reply = aviary::testing::httpGet(server->port(), "/");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body, R"({"error":"internal error: boom"})");
}

TEST(BeastServerTest, DrainFinishesInFlightRequestsThenRefusesNewConnections) {
  std::atomic<bool> entered{false};
  auto server = startServer([&](const Request&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    return Response{200, "text/plain", "slow", {}};
  });
  const uint16_t port = server->port();
  HttpClient idle(port);  // connected, never sends: must be closed by the drain
  ASSERT_TRUE(idle.connected());
  auto slow = std::async(std::launch::async, [port] {
    HttpClient client(port);
    return client.get("/slow");
  });
  while (!entered) std::this_thread::sleep_for(1ms);
  const auto started = std::chrono::steady_clock::now();
  server->drain(5s);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  const auto reply = slow.get();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "slow");
  EXPECT_FALSE(reply.keep_alive);
  EXPECT_TRUE(idle.closedByPeer());
  EXPECT_FALSE(HttpClient(port).connected());
}

TEST(BeastServerTest, DrainGivesUpOnHandlersSlowerThanTheGrace) {
  std::atomic<bool> entered{false};
  auto server = startServer([&](const Request&) {
    entered = true;
    std::this_thread::sleep_for(1500ms);
    return Response{};
  });
  auto slow =
      std::async(std::launch::async, [port = server->port()] { return HttpClient(port).get("/"); });
  while (!entered) std::this_thread::sleep_for(1ms);
  const auto started = std::chrono::steady_clock::now();
  server->drain(100ms);
  // drain joins the workers, so it waits for the running handler but not for the client.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  slow.get();
}

TEST(BeastServerTest, StartFailsOnABusyPort) {
  auto first = startServer(echoBody);
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = first->port();
  auto second = makeServer(options, echoBody);
  auto started = second->start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace aviary::http
