#include "controller/audit_webhook.h"

#include <spdlog/spdlog.h>

#include "controller/audit_log.h"

namespace aviary::controller {

Result<std::unique_ptr<AuditWebhook>> AuditWebhook::make(const std::string& url,
                                                         AuditWebhookOptions options,
                                                         std::function<void()> on_drop) {
  auto parts = http::splitUrl(url);
  if (!parts) {
    return fail(ErrorCode::kInvalidArgument,
                "--audit-webhook must be an http:// or https:// URL, got \"" + url + "\"");
  }
  http::ClientOptions client_options;
  client_options.base_url = parts->base_url;
  client_options.timeout = std::chrono::seconds{10};
  AVIARY_ASSIGN_OR_RETURN(http::Client::Ptr client, http::makeClient(client_options));
  return make(std::move(client), parts->target, std::move(options), std::move(on_drop));
}

Result<std::unique_ptr<AuditWebhook>> AuditWebhook::make(http::Client::Ptr client, std::string path,
                                                         AuditWebhookOptions options,
                                                         std::function<void()> on_drop) {
  AuditSpool::Opened spool;
  if (!options.spool_dir.empty()) {
    auto opened = AuditSpool::open(options.spool_dir);
    if (!opened) return fail(opened.error().withContext("--audit-spool"));
    spool = std::move(*opened);
  }
  return std::unique_ptr<AuditWebhook>(new AuditWebhook(std::move(client), std::move(path),
                                                        std::move(options), std::move(on_drop),
                                                        std::move(spool)));
}

AuditWebhook::AuditWebhook(http::Client::Ptr client, std::string path, AuditWebhookOptions options,
                           std::function<void()> on_drop)
    : AuditWebhook(std::move(client), std::move(path), std::move(options), std::move(on_drop),
                   AuditSpool::Opened{}) {}

AuditWebhook::AuditWebhook(http::Client::Ptr client, std::string path, AuditWebhookOptions options,
                           std::function<void()> on_drop, AuditSpool::Opened spool)
    : client_(std::move(client)),
      path_(std::move(path)),
      options_(std::move(options)),
      on_drop_(std::move(on_drop)),
      spool_(std::move(spool.spool)) {
  for (const auto& unreadable : spool.unreadable) {
    drop(unreadable.file, "its spool file could not be read back (" + unreadable.why + ")");
  }
  for (auto& record : spool.pending) {
    queue_.push_back({std::move(record.line), record.sequence});
  }
  if (!queue_.empty()) {
    spdlog::info("audit webhook: {} undelivered decision(s) found in the spool {}, sent first",
                 queue_.size(), spool_->dir().string());
  }
  // Last: the worker reads the members above.
  worker_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

AuditWebhook::~AuditWebhook() {
  worker_.request_stop();
  changed_.notify_all();
  worker_.join();
  std::lock_guard lock(mutex_);
  std::size_t kept = 0;
  for (const Pending& pending : queue_) {
    if (pending.sequence) {
      ++kept;
      continue;
    }
    ++dropped_;
    if (on_drop_) on_drop_();
  }
  if (kept > 0) {
    spdlog::info(
        "audit webhook: {} undelivered decision(s) stay in the spool {} for the next start", kept,
        spool_->dir().string());
  }
  queue_.clear();
}

void AuditWebhook::send(const governance::AuditRecord& record) {
  Pending pending{.line = auditLine(record), .sequence = std::nullopt};
  // Held across the spool write and the push, so that records are queued in spool order. The
  // worker only ever shrinks the queue meanwhile, so the capacity checked here still holds.
  std::lock_guard order(send_mutex_);
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    full = queue_.size() >= options_.queue_capacity;
  }
  if (full) {
    drop(pending.line, "the queue is full");
    return;
  }
  if (spool_) {
    if (auto sequence = spool_->write(pending.line)) {
      pending.sequence = *sequence;
    } else {
      spdlog::warn("audit webhook: {}; this decision waits in memory only",
                   sequence.error().message);
    }
  }
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(pending));
  changed_.notify_all();
}

void AuditWebhook::drop(const std::string& line, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    ++dropped_;
  }
  if (on_drop_) on_drop_();
  spdlog::warn("audit webhook: dropped a decision ({}): {}", why, line);
}

void AuditWebhook::unspool(const Pending& pending) {
  if (!spool_ || !pending.sequence) return;
  if (auto removed = spool_->remove(*pending.sequence); !removed) {
    // It stays: sent again after a restart, which the receiver's de-duplication absorbs.
    spdlog::warn("audit webhook: {}", removed.error().message);
  }
}

void AuditWebhook::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Pending pending;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (stop.stop_requested()) return;
      pending = queue_.front();
      in_flight_ = true;
    }
    kube::Backoff backoff(options_.backoff);
    bool sent = false;
    for (int attempt = 1; attempt <= options_.max_attempts && !stop.stop_requested(); ++attempt) {
      http::ClientRequest request;
      request.method = "POST";
      request.target = path_;
      request.body = pending.line;
      request.content_type = "application/json";
      auto response = client_->send(request, stop);
      if (response && response->status >= 200 && response->status < 300) {
        sent = true;
        break;
      }
      spdlog::debug(
          "audit webhook: attempt {} failed: {}", attempt,
          response ? "HTTP " + std::to_string(response->status) : response.error().message);
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, stop, backoff.next(), [] { return false; });
    }
    if (stop.stop_requested() && !sent) return;  // stays queued (and spooled)
    if (!sent)
      drop(pending.line,
           "no 2xx answer after " + std::to_string(options_.max_attempts) + " attempts");
    unspool(pending);
    std::lock_guard lock(mutex_);
    queue_.pop_front();
    if (sent) ++delivered_;
    in_flight_ = false;
    changed_.notify_all();
  }
}

bool AuditWebhook::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::stop_token{}, timeout,
                           [&] { return queue_.empty() && !in_flight_; });
}

std::uint64_t AuditWebhook::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

std::uint64_t AuditWebhook::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace aviary::controller
