#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "governance/audit.h"
#include "http/client.h"
#include "kube/backoff.h"

namespace aviary::controller {

struct AuditWebhookOptions {
  std::size_t queue_capacity = 1000;  // records waiting; a full queue drops the newest
  int max_attempts = 10;              // per record; then it is dropped
  kube::BackoffPolicy backoff{
      .base = std::chrono::milliseconds{200}, .cap = std::chrono::seconds{30}, .factor = 2.0};
};

// Sends each audit record to `--audit-webhook` as a JSON POST (the body is auditLine(record); its
// "id" lets the receiver drop repeats), in order, at least once: a transport error or a non-2xx
// answer is retried with backoff, up to max_attempts. Never blocks a reconcile: send() only queues;
// a full queue or a record that ran out of attempts is dropped, logged and reported to `on_drop`
// (the controller's aviary_controller_audit_dropped_total). Thread-safe.
class AuditWebhook final {
 public:
  // `url` is "http(s)://host[:port][/path]".
  static Result<std::unique_ptr<AuditWebhook>> make(const std::string& url,
                                                    AuditWebhookOptions options,
                                                    std::function<void()> on_drop);
  AuditWebhook(http::Client::Ptr client, std::string path, AuditWebhookOptions options,
               std::function<void()> on_drop);
  // Stops the sender; records still queued are dropped (and counted).
  ~AuditWebhook();
  AuditWebhook(const AuditWebhook&) = delete;
  AuditWebhook& operator=(const AuditWebhook&) = delete;

  void send(const governance::AuditRecord& record);
  // Waits until the queue is empty and nothing is in flight, or `timeout` passed; true if empty.
  bool drain(std::chrono::milliseconds timeout);
  std::uint64_t delivered() const;
  std::uint64_t dropped() const;

 private:
  void run(std::stop_token stop);
  void drop(const std::string& line, const std::string& why);

  http::Client::Ptr client_;
  std::string path_;
  AuditWebhookOptions options_;
  std::function<void()> on_drop_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::string> queue_;
  bool in_flight_ = false;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
  std::jthread worker_;
};

}  // namespace aviary::controller
