#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/result.h"
#include "controller/audit_spool.h"
#include "governance/audit.h"
#include "http/client.h"
#include "kube/backoff.h"

namespace aviary::controller {

struct AuditWebhookOptions {
  std::size_t queue_capacity = 1000;  // records waiting (spooled ones included); full: drop newest
  int max_attempts = 10;              // per record; then it is dropped
  kube::BackoffPolicy backoff{
      .base = std::chrono::milliseconds{200}, .cap = std::chrono::seconds{30}, .factor = 2.0};
  // `--audit-spool`: where records wait for delivery (AuditSpool); empty: in memory only.
  std::filesystem::path spool_dir;
};

// Sends each audit record to `--audit-webhook` as a JSON POST (the body is auditLine(record); its
// "id" lets the receiver drop repeats), in order, at least once: a transport error or a non-2xx
// answer is retried with backoff, up to max_attempts. Never blocks a reconcile on the receiver:
// send() only queues; a full queue or a record that ran out of attempts is dropped, logged and
// reported to `on_drop` (the controller's aviary_controller_audit_dropped_total). Thread-safe.
//
// With a spool (options.spool_dir), send() makes the record durable in it before returning and
// the record's file is removed once it is delivered or dropped, so records not yet delivered
// survive a restart: at construction those left in the spool are queued first, in their order,
// before any new one (and a spool file that cannot be read back is dropped). Without one, or
// when a spool write fails (logged), the record waits in memory only and a restart loses it.
class AuditWebhook final {
 public:
  // `url` is "http(s)://host[:port][/path]". Errors: a bad URL, or a spool that cannot be opened.
  static Result<std::unique_ptr<AuditWebhook>> make(const std::string& url,
                                                    AuditWebhookOptions options,
                                                    std::function<void()> on_drop);
  // The same over `client`, POSTing to `path`.
  static Result<std::unique_ptr<AuditWebhook>> make(http::Client::Ptr client, std::string path,
                                                    AuditWebhookOptions options,
                                                    std::function<void()> on_drop);
  // In memory only (options.spool_dir is ignored).
  AuditWebhook(http::Client::Ptr client, std::string path, AuditWebhookOptions options,
               std::function<void()> on_drop);
  // Stops the sender. Records still queued stay in the spool for the next start; without a spool
  // they are dropped (and counted).
  ~AuditWebhook();
  AuditWebhook(const AuditWebhook&) = delete;
  AuditWebhook& operator=(const AuditWebhook&) = delete;

  void send(const governance::AuditRecord& record);
  // Waits until the queue is empty and nothing is in flight, or `timeout` passed; true if empty.
  bool drain(std::chrono::milliseconds timeout);
  std::uint64_t delivered() const;
  std::uint64_t dropped() const;

 private:
  struct Pending {
    std::string line;
    std::optional<std::uint64_t> sequence;  // its file in the spool, if it has one
  };

  AuditWebhook(http::Client::Ptr client, std::string path, AuditWebhookOptions options,
               std::function<void()> on_drop, AuditSpool::Opened spool);
  void run(std::stop_token stop);
  void drop(const std::string& line, const std::string& why);
  void unspool(const Pending& pending);

  http::Client::Ptr client_;
  std::string path_;
  AuditWebhookOptions options_;
  std::function<void()> on_drop_;
  std::unique_ptr<AuditSpool> spool_;  // null: in memory only
  std::mutex send_mutex_;              // one send() at a time: spool order is queue order
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<Pending> queue_;  // the front stays until it is delivered or dropped
  bool in_flight_ = false;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
  std::jthread worker_;
};

}  // namespace aviary::controller
