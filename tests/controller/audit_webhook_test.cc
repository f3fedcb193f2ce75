#include "controller/audit_webhook.h"

#include <gtest/gtest.h>

#include <atomic>

#include "controller/audit_log.h"
#include "tests/support/replay_server.h"

namespace aviary::controller {
namespace {

using std::chrono::milliseconds;

governance::AuditRecord record(const std::string& decision) {
  return {.key = "ml/churn",
          .revision = "1a2b3c4d5e",
          .decision = decision,
          .reason = "why",
          .values = {},
          .user = "",
          .at = Timestamp{} + std::chrono::seconds(1'800'000'000)};
}

AuditWebhookOptions fast() {
  AuditWebhookOptions options;
  options.backoff = {.base = milliseconds{5}, .cap = milliseconds{20}, .factor = 2.0};
  options.max_attempts = 3;
  return options;
}

TEST(AuditWebhookTest, PostsEachDecisionInOrderAsItsAuditLine) {
  testing::ReplayServer server;
  server.enqueue(testing::ReplayResponse::json(200, "{}"));
  server.enqueue(testing::ReplayResponse::json(204, ""));
  auto webhook = AuditWebhook::make(server.url() + "/hooks/audit", fast(), nullptr);
  ASSERT_TRUE(webhook) << webhook.error().message;
  (*webhook)->send(record("StepAdvanced"));
  (*webhook)->send(record("Promoted"));
  ASSERT_TRUE((*webhook)->drain(milliseconds{5000}));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hooks/audit");
  EXPECT_EQ(requests[0].body, auditLine(record("StepAdvanced")));
  EXPECT_EQ(requests[1].body, auditLine(record("Promoted")));
  EXPECT_EQ((*webhook)->delivered(), 2u);
}

TEST(AuditWebhookTest, RetriesTheSameRecordWithTheSameIdUntilA2xx) {
  testing::ReplayServer server;
  server.enqueue(testing::ReplayResponse::json(503, "busy"));
  server.enqueue(testing::ReplayResponse::json(500, "oops"));
  server.enqueue(testing::ReplayResponse::json(200, "{}"));
  auto webhook = AuditWebhook::make(server.url(), fast(), nullptr);
  ASSERT_TRUE(webhook);
  (*webhook)->send(record("RolledBack"));
  ASSERT_TRUE((*webhook)->drain(milliseconds{5000}));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_EQ(request.body, requests[0].body);
  EXPECT_EQ((*webhook)->delivered(), 1u);
  EXPECT_EQ((*webhook)->dropped(), 0u);
}

TEST(AuditWebhookTest, ARecordThatRunsOutOfAttemptsIsDroppedAndCounted) {
  testing::ReplayServer server;
  for (int i = 0; i < 3; ++i) server.enqueue(testing::ReplayResponse::json(500, "no"));
  server.enqueue(testing::ReplayResponse::json(200, "{}"));
  std::atomic<int> drops = 0;
  auto webhook = AuditWebhook::make(server.url(), fast(), [&] { ++drops; });
  ASSERT_TRUE(webhook);
  (*webhook)->send(record("StepAdvanced"));
  (*webhook)->send(record("Promoted"));
  ASSERT_TRUE((*webhook)->drain(milliseconds{5000}));
  EXPECT_EQ(drops.load(), 1);
  EXPECT_EQ((*webhook)->dropped(), 1u);
  EXPECT_EQ((*webhook)->delivered(), 1u);
  EXPECT_EQ(server.requests().back().body, auditLine(record("Promoted")));
}

TEST(AuditWebhookTest, AFullQueueDropsWithoutBlocking) {
  testing::ReplayServer server;
  auto options = fast();
  options.queue_capacity = 0;
  std::atomic<int> drops = 0;
  auto webhook = AuditWebhook::make(server.url(), options, [&] { ++drops; });
  ASSERT_TRUE(webhook);
  for (int i = 0; i < 5; ++i) (*webhook)->send(record("StepAdvanced"));
  EXPECT_EQ(drops.load(), 5);
  EXPECT_TRUE(server.requests().empty());
}

TEST(AuditWebhookTest, RejectsAUrlThatIsNotHttp) {
  EXPECT_FALSE(AuditWebhook::make("ftp://x/y", fast(), nullptr));
  EXPECT_FALSE(AuditWebhook::make("receiver:8080", fast(), nullptr));
}

}  // namespace
}  // namespace aviary::controller
