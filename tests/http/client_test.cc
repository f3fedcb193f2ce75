#include "http/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/support/replay_server.h"

namespace aviary::http {
namespace {

using std::chrono::milliseconds;
using testing::ReplayResponse;
using testing::ReplayServer;

Client::Ptr clientFor(const ReplayServer& server) {
  ClientOptions options;
  options.base_url = server.url();
  options.timeout = std::chrono::seconds{10};
  auto client = makeClient(options);
  EXPECT_TRUE(client.has_value()) << client.error().message;
  return *client;
}

TEST(HttpClientTest, SendsMethodTargetHeadersAndBodyAndReadsTheAnswer) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(201, R"({"ok":true})"));
  ClientRequest request;
  request.method = "POST";
  request.target = "/apis/x/v1/things?fieldManager=aviary";
  request.headers = {{"Authorization", "Bearer t0ken"}};
  request.body = R"({"a":1})";
  request.content_type = "application/merge-patch+json";
  auto response = clientFor(server)->send(request);
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->header("content-type"), "application/json");
  auto seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/apis/x/v1/things?fieldManager=aviary");
  EXPECT_EQ(seen.header("Authorization"), "Bearer t0ken");
  EXPECT_EQ(seen.header("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(seen.body, R"({"a":1})");
}

TEST(HttpClientTest, ErrorStatusesAreResponsesNotErrors) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(404, R"({"kind":"Status"})"));
  ClientRequest request;
  request.target = "/missing";
  auto response = clientFor(server)->send(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 404);
}

TEST(HttpClientTest, StreamsABodyPieceByPieceAsItArrives) {
  ReplayServer server;
  server.enqueue(ReplayResponse::stream({"line one\nline ", "two\n", "three\n"}, milliseconds{30}));
  std::string received;
  int pieces = 0;
  ClientRequest request;
  request.target = "/watch";
  auto response = clientFor(server)->stream(request, [&](std::string_view chunk) {
    received += chunk;
    ++pieces;
    return true;
  });
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(received, "line one\nline two\nthree\n");
  EXPECT_GE(pieces, 2);
}

TEST(HttpClientTest, StreamOfAnErrorStatusReturnsItsBodyInstead) {
  ReplayServer server;
  server.enqueue(ReplayResponse::json(410, R"({"kind":"Status","code":410})"));
  bool called = false;
  ClientRequest request;
  auto response = clientFor(server)->stream(request, [&](std::string_view) {
    called = true;
    return true;
  });
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 410);
  EXPECT_EQ(response->body, R"({"kind":"Status","code":410})");
  EXPECT_FALSE(called);
}

TEST(HttpClientTest, StopEndsAStreamThatNeverEnds) {
  ReplayServer server;
  auto endless = ReplayResponse::stream({"first\n"});
  endless.hold_open = true;
  server.enqueue(endless);
  std::stop_source stop;
  std::string received;
  std::jthread stopper([&] {
    std::this_thread::sleep_for(milliseconds{300});
    stop.request_stop();
  });
  ClientRequest request;
  auto response = clientFor(server)->stream(
      request,
      [&](std::string_view chunk) {
        received += chunk;
        return true;
      },
      stop.get_token());
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(received, "first\n");
}

TEST(HttpClientTest, RefusedConnectionIsUnavailable) {
  std::string url;
  {
    ReplayServer server;
    url = server.url();
  }
  ClientOptions options;
  options.base_url = url;
  auto response = (*makeClient(options))->send(ClientRequest{});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
}

TEST(HttpClientTest, RejectsBadTlsMaterialUpFront) {
  ClientOptions options;
  options.base_url = "https://127.0.0.1:1";
  options.tls.ca_data = "not a certificate";
  auto client = makeClient(options);
  ASSERT_FALSE(client.has_value());
  EXPECT_EQ(client.error().code, ErrorCode::kInvalidArgument);

  options.tls = {};
  options.tls.client_cert_file = "/nonexistent/cert.pem";
  options.tls.client_key_file = "/nonexistent/key.pem";
  EXPECT_EQ(makeClient(options).error().code, ErrorCode::kInvalidArgument);
}

TEST(HttpClientTest, AServerThatNeverAnswersIsDeadlineExceeded) {
  // Listening (the kernel completes the handshake) but never reading nor answering.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  options.timeout = milliseconds{200};
  auto response = (*makeClient(options))->send(ClientRequest{});
  ::close(fd);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kDeadlineExceeded) << response.error().message;
}

TEST(HttpClientTest, SplitUrlGivesTheBaseAndTheTarget) {
  const auto parts = splitUrl("https://hooks.example:8443/retrain/churn?team=risk");
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(parts->base_url, "https://hooks.example:8443");
  EXPECT_EQ(parts->target, "/retrain/churn?team=risk");
  const auto bare = splitUrl("http://127.0.0.1:9000");
  ASSERT_TRUE(bare) << bare.error().message;
  EXPECT_EQ(bare->base_url, "http://127.0.0.1:9000");
  EXPECT_EQ(bare->target, "/");
  for (const char* bad : {"ftp://hooks.example/x", "hooks.example/x", "http://", "https:///x"}) {
    EXPECT_EQ(splitUrl(bad).error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(HttpClientTest, UrlEncodeKeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(urlEncode("app=churn,tier!=db"), "app%3Dchurn%2Ctier%21%3Ddb");
  EXPECT_EQ(urlEncode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(urlEncode("x in (a b)"), "x%20in%20%28a%20b%29");
}

}  // namespace
}  // namespace aviary::http
