#include "controller/drift_monitor.h"

#include <gtest/gtest.h>
#include <strings.h>

#include "tests/support/replay_server.h"

namespace aviary::controller {
namespace {

// RFC 4231, test case 2.
TEST(WebhookSignatureTest, IsTheHexHmacSha256OfTheBody) {
  EXPECT_EQ(webhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

std::string headerOf(const testing::RecordedRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

TEST(HttpDriftNotifierTest, PostsTheBodySignedWhenAKeyIsGiven) {
  testing::ReplayServer server;
  server.enqueue(testing::ReplayResponse::json(202, "{}"));
  server.enqueue(testing::ReplayResponse::json(200, "{}"));
  const auto notifier = makeHttpDriftNotifier();
  const std::string body = R"({"kind":"DriftDetected"})";
  ASSERT_TRUE(notifier->post(server.url() + "/hooks/retrain", body, "s3cr3t"));
  ASSERT_TRUE(notifier->post(server.url(), body, std::nullopt));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hooks/retrain");
  EXPECT_EQ(requests[0].body, body);
  EXPECT_EQ(headerOf(requests[0], "X-Aviary-Signature"), webhookSignature("s3cr3t", body));
  EXPECT_EQ(requests[1].target, "/");
  EXPECT_EQ(headerOf(requests[1], "X-Aviary-Signature"), "");
}

TEST(HttpDriftNotifierTest, ANon2xxAnswerIsAnErrorNamingIt) {
  testing::ReplayServer server;
  server.enqueue(testing::ReplayResponse::json(503, "{}"));
  const auto sent = makeHttpDriftNotifier()->post(server.url() + "/hook", "{}", std::nullopt);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(sent.error().message.find("503"), std::string::npos) << sent.error().message;
}

}  // namespace
}  // namespace aviary::controller
