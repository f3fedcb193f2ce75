#include "controller/audit_webhook.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

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

// A receiver in process: answers every POST with the status `answer` holds at that moment and
// records the bodies of those it answered 2xx.
class ScriptedClient final : public http::Client {
 public:
  std::atomic<int> answer{200};

  Result<http::ClientResponse> send(const http::ClientRequest& request,
                                    std::stop_token /*stop*/) override {
    http::ClientResponse response;
    response.status = answer.load();
    std::lock_guard lock(mutex_);
    ++posts_;
    if (response.status >= 200 && response.status < 300) accepted_.push_back(request.body);
    return response;
  }
  Result<http::ClientResponse> stream(const http::ClientRequest&, const http::ChunkHandler&,
                                      std::stop_token) override {
    return fail(ErrorCode::kUnimplemented, "no streams here");
  }
  std::vector<std::string> accepted() const {
    std::lock_guard lock(mutex_);
    return accepted_;
  }
  int posts() const {
    std::lock_guard lock(mutex_);
    return posts_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> accepted_;
  int posts_ = 0;
};

// --audit-spool: the same webhook over a directory; a "restart" is a new AuditWebhook over it.
class AuditWebhookSpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aviary-audit-webhook-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<AuditWebhook> start(std::shared_ptr<ScriptedClient> client,
                                      std::size_t capacity = 1000) {
    auto options = fast();
    options.max_attempts = 1000;  // a refusing receiver never makes it give up here
    options.queue_capacity = capacity;
    options.spool_dir = dir_;
    auto webhook = AuditWebhook::make(std::move(client), "/audit", options, [this] { ++drops_; });
    EXPECT_TRUE(webhook) << webhook.error().message;
    return std::move(*webhook);
  }
  std::size_t spooled() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_)) ++n;
    return n;
  }
  static void waitForPosts(const ScriptedClient& client, int posts) {
    for (int i = 0; i < 500 && client.posts() < posts; ++i) {
      std::this_thread::sleep_for(milliseconds{2});
    }
    ASSERT_GE(client.posts(), posts);
  }

  std::filesystem::path dir_;
  std::atomic<int> drops_ = 0;
};

TEST_F(AuditWebhookSpoolTest, ARecordIsInTheSpoolWhenSendReturnsAndLeavesItOnceDelivered) {
  auto client = std::make_shared<ScriptedClient>();
  client->answer = 503;
  auto webhook = start(client);
  webhook->send(record("StepAdvanced"));
  EXPECT_EQ(spooled(), 1u);
  std::ifstream file(dir_ / AuditSpool::fileName(1));
  std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, auditLine(record("StepAdvanced")));
  client->answer = 200;
  ASSERT_TRUE(webhook->drain(milliseconds{5000}));
  EXPECT_EQ(spooled(), 0u);
  EXPECT_EQ(client->accepted(), std::vector<std::string>{auditLine(record("StepAdvanced"))});
  EXPECT_EQ(webhook->delivered(), 1u);
}

TEST_F(AuditWebhookSpoolTest, UndeliveredRecordsSurviveARestartAndGoFirstInTheirOrder) {
  auto before = std::make_shared<ScriptedClient>();
  before->answer = 503;
  {
    auto webhook = start(before);
    webhook->send(record("StepAdvanced"));
    webhook->send(record("AnalysisPassed"));
    waitForPosts(*before, 2);  // the first is being retried
  }
  EXPECT_EQ(drops_.load(), 0);  // stopping with a spool drops nothing: the records wait on disk
  EXPECT_EQ(spooled(), 2u);

  auto after = std::make_shared<ScriptedClient>();
  auto webhook = start(after);
  webhook->send(record("Promoted"));
  ASSERT_TRUE(webhook->drain(milliseconds{5000}));
  EXPECT_EQ(after->accepted(), (std::vector<std::string>{auditLine(record("StepAdvanced")),
                                                         auditLine(record("AnalysisPassed")),
                                                         auditLine(record("Promoted"))}));
  EXPECT_EQ(spooled(), 0u);
  EXPECT_EQ(drops_.load(), 0);
}

TEST_F(AuditWebhookSpoolTest, WithoutASpoolARestartLosesWhatIsQueuedAndCountsIt) {
  auto client = std::make_shared<ScriptedClient>();
  client->answer = 503;
  {
    auto options = fast();
    options.max_attempts = 1000;
    AuditWebhook webhook(client, "/audit", options, [this] { ++drops_; });
    webhook.send(record("StepAdvanced"));
    webhook.send(record("Promoted"));
  }
  EXPECT_EQ(drops_.load(), 2);
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(AuditWebhookSpoolTest, TheCapacityCountsSpooledRecordsAndDropsTheNewest) {
  auto before = std::make_shared<ScriptedClient>();
  before->answer = 503;
  { start(before, 2)->send(record("StepAdvanced")); }
  { start(before, 2)->send(record("AnalysisPassed")); }
  EXPECT_EQ(spooled(), 2u);

  auto after = std::make_shared<ScriptedClient>();
  after->answer = 503;
  auto webhook = start(after, 2);
  webhook->send(record("Promoted"));  // two already wait: the queue is full
  EXPECT_EQ(drops_.load(), 1);
  EXPECT_EQ(webhook->dropped(), 1u);
  EXPECT_EQ(spooled(), 2u);
  after->answer = 200;
  ASSERT_TRUE(webhook->drain(milliseconds{5000}));
  EXPECT_EQ(after->accepted(), (std::vector<std::string>{auditLine(record("StepAdvanced")),
                                                         auditLine(record("AnalysisPassed"))}));
}

TEST_F(AuditWebhookSpoolTest, ASpoolFileThatCannotBeReadBackIsDroppedAndCounted) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / AuditSpool::fileName(1)) << auditLine(record("StepAdvanced"));
  std::ofstream(dir_ / AuditSpool::fileName(2)) << "{\"audit\": \"aviary.dev/v1\", \"id";
  auto client = std::make_shared<ScriptedClient>();
  auto webhook = start(client);
  EXPECT_EQ(drops_.load(), 1);
  EXPECT_EQ(webhook->dropped(), 1u);
  webhook->send(record("Promoted"));
  ASSERT_TRUE(webhook->drain(milliseconds{5000}));
  EXPECT_EQ(client->accepted(), (std::vector<std::string>{auditLine(record("StepAdvanced")),
                                                          auditLine(record("Promoted"))}));
  EXPECT_EQ(spooled(), 0u);
}

TEST_F(AuditWebhookSpoolTest, ARecordGivenUpAfterItsAttemptsLeavesTheSpool) {
  auto client = std::make_shared<ScriptedClient>();
  client->answer = 500;
  auto options = fast();  // 3 attempts
  options.spool_dir = dir_;
  auto webhook = AuditWebhook::make(client, "/audit", options, [this] { ++drops_; });
  ASSERT_TRUE(webhook);
  (*webhook)->send(record("StepAdvanced"));
  ASSERT_TRUE((*webhook)->drain(milliseconds{5000}));
  EXPECT_EQ(client->posts(), 3);
  EXPECT_EQ(drops_.load(), 1);
  EXPECT_EQ(spooled(), 0u);
}

TEST_F(AuditWebhookSpoolTest, ASpoolWriteThatFailsKeepsTheRecordInMemory) {
  auto client = std::make_shared<ScriptedClient>();
  auto webhook = start(client);
  std::filesystem::remove_all(dir_);
  webhook->send(record("StepAdvanced"));
  ASSERT_TRUE(webhook->drain(milliseconds{5000}));
  EXPECT_EQ(client->accepted(), std::vector<std::string>{auditLine(record("StepAdvanced"))});
  EXPECT_EQ(drops_.load(), 0);
}

TEST_F(AuditWebhookSpoolTest, ASpoolThatCannotBeOpenedIsAnError) {
  std::filesystem::create_directories(dir_.parent_path());
  { std::ofstream(dir_) << "a file"; }
  auto options = fast();
  options.spool_dir = dir_ / "spool";
  auto webhook = AuditWebhook::make(std::make_shared<ScriptedClient>(), "/audit", options, nullptr);
  ASSERT_FALSE(webhook);
  EXPECT_NE(webhook.error().message.find("--audit-spool"), std::string::npos);
  std::filesystem::remove(dir_);
}

}  // namespace
}  // namespace aviary::controller
