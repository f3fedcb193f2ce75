#include "controller/audit_webhook.h"

#include <spdlog/spdlog.h>

#include "controller/audit_log.h"

namespace aviary::controller {

Result<std::unique_ptr<AuditWebhook>> AuditWebhook::make(const std::string& url,
                                                         AuditWebhookOptions options,
                                                         std::function<void()> on_drop) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos ||
      (!url.starts_with("http://") && !url.starts_with("https://"))) {
    return fail(ErrorCode::kInvalidArgument,
                "--audit-webhook must be an http:// or https:// URL, got \"" + url + "\"");
  }
  const auto path_start = url.find('/', scheme_end + 3);
  const std::string base = url.substr(0, path_start);
  const std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  http::ClientOptions client_options;
  client_options.base_url = base;
  client_options.timeout = std::chrono::seconds{10};
  AVIARY_ASSIGN_OR_RETURN(http::Client::Ptr client, http::makeClient(client_options));
  return std::make_unique<AuditWebhook>(std::move(client), path, options, std::move(on_drop));
}

AuditWebhook::AuditWebhook(http::Client::Ptr client, std::string path, AuditWebhookOptions options,
                           std::function<void()> on_drop)
    : client_(std::move(client)),
      path_(std::move(path)),
      options_(options),
      on_drop_(std::move(on_drop)),
      worker_([this](std::stop_token stop) { run(stop); }) {}

AuditWebhook::~AuditWebhook() {
  worker_.request_stop();
  changed_.notify_all();
  worker_.join();
  std::lock_guard lock(mutex_);
  while (!queue_.empty()) {
    ++dropped_;
    if (on_drop_) on_drop_();
    queue_.pop_front();
  }
}

void AuditWebhook::send(const governance::AuditRecord& record) {
  std::string line = auditLine(record);
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() < options_.queue_capacity) {
      queue_.push_back(std::move(line));
      changed_.notify_all();
      return;
    }
  }
  drop(line, "the queue is full");
}

void AuditWebhook::drop(const std::string& line, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    ++dropped_;
  }
  if (on_drop_) on_drop_();
  spdlog::warn("audit webhook: dropped a decision ({}): {}", why, line);
}

void AuditWebhook::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::string line;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, stop, [&] { return !queue_.empty(); });
      if (stop.stop_requested()) return;
      line = queue_.front();
      in_flight_ = true;
    }
    kube::Backoff backoff(options_.backoff);
    bool sent = false;
    for (int attempt = 1; attempt <= options_.max_attempts && !stop.stop_requested(); ++attempt) {
      http::ClientRequest request;
      request.method = "POST";
      request.target = path_;
      request.body = line;
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
    if (stop.stop_requested() && !sent) return;  // stays queued; the destructor counts it
    if (!sent)
      drop(line, "no 2xx answer after " + std::to_string(options_.max_attempts) + " attempts");
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
