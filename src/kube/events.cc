#include "kube/events.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include "common/time_format.h"
#include "common/utf8.h"

namespace aviary::kube {
namespace {

constexpr std::size_t kMaxNote = 1024;  // events.k8s.io/v1 rejects longer notes

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof(text), "%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

EventRecorder::EventRecorder(KubeClient::Ptr client, Clock::Ptr clock, EventRecorderOptions options)
    : client_(std::move(client)),
      clock_(std::move(clock)),
      options_(std::move(options)),
      writer_([this] { writerLoop(); }) {}

EventRecorder::~EventRecorder() { stop(); }

int EventRecorder::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

std::uint64_t EventRecorder::dropped() const {
  std::lock_guard lock(queue_mutex_);
  return dropped_;
}

void EventRecorder::record(const Json& regarding, EventType type, const std::string& reason,
                           const std::string& action, const std::string& note) {
  try {
    Pending pending{regarding, type, reason, action, note, clock_->now()};
    std::lock_guard lock(queue_mutex_);
    if (stopping_ || queue_.size() >= options_.queue_size) {
      ++dropped_;
      spdlog::debug("event {} dropped: {}", reason, stopping_ ? "stopped" : "queue full");
      return;
    }
    queue_.push_back(std::move(pending));
    queue_changed_.notify_all();
  } catch (const std::exception& e) {
    spdlog::warn("event {}: not recorded: {}", reason, e.what());
  }
}

void EventRecorder::writerLoop() {
  std::unique_lock lock(queue_mutex_);
  while (true) {
    // Idle for a series interval: write the series counts that are due and forget what has run
    // out, so neither waits for a flush() nobody calls.
    if (!queue_changed_.wait_for(lock, options_.series_write_interval,
                                 [&] { return stopping_ || !queue_.empty(); })) {
      writing_ = true;
      lock.unlock();
      maintain(/*all_series=*/false);
      lock.lock();
      writing_ = false;
      queue_changed_.notify_all();
      continue;
    }
    if (queue_.empty()) return;  // stopping, and everything is written
    Pending pending = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    try {
      process(pending);
    } catch (const std::exception& e) {
      // A note the JSON encoder rejects, a failed allocation: lose this event, never the thread.
      spdlog::warn("event {}: not written: {}", pending.reason, e.what());
    }
    lock.lock();
    writing_ = false;
    queue_changed_.notify_all();
  }
}

void EventRecorder::flush() {
  {
    std::unique_lock lock(queue_mutex_);
    queue_changed_.wait(lock, [&] { return queue_.empty() && !writing_; });
  }
  maintain(/*all_series=*/true);
}

void EventRecorder::maintain(bool all_series) {
  std::lock_guard lock(mutex_);
  const Timestamp now = clock_->now();
  for (auto& [key, series] : series_) {
    const bool due = all_series || now - series.last_write >= options_.series_write_interval;
    if (series.count > series.written_count && due) {
      try {
        writeSeries(series, now);
      } catch (const std::exception& e) {
        spdlog::warn("event series {}: {}", series.event_name, e.what());
      }
    }
  }
  prune(now);
}

void EventRecorder::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_ && !writer_.joinable()) return;
  }
  flush();
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
    queue_changed_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

void EventRecorder::prune(Timestamp now) {
  // Forget what has run out, so the maps do not grow with every object ever seen.
  std::erase_if(series_, [&](const auto& entry) {
    return now - entry.second.last_seen > options_.series_window;
  });
  std::erase_if(similar_, [&](const auto& entry) {
    const auto& notes = entry.second.notes;
    return notes.empty() || now - notes.back().first > options_.similar_window;
  });
  // A bucket that has refilled completely is the same as no bucket.
  std::erase_if(spam_, [&](const auto& entry) {
    const Spam& spam = entry.second;
    const double refill = std::chrono::duration<double>(now - spam.last) /
                          std::chrono::duration<double>(options_.spam_refill);
    return spam.tokens + std::max(0.0, refill) >= options_.spam_burst;
  });
}

bool EventRecorder::takeSpamToken(const std::string& object_key, Timestamp now) {
  Spam& spam = spam_[object_key];
  if (!spam.initialised) {
    spam.tokens = options_.spam_burst;
    spam.last = now;
    spam.initialised = true;
  }
  double refill = std::chrono::duration<double>(now - spam.last) /
                  std::chrono::duration<double>(options_.spam_refill);
  spam.tokens = std::min<double>(options_.spam_burst, spam.tokens + std::max(0.0, refill));
  spam.last = now;
  if (spam.tokens < 1) return false;
  spam.tokens -= 1;
  return true;
}

void EventRecorder::writeSeries(Series& series, Timestamp now) {
  Json patch = {
      {"series",
       {{"count", series.count}, {"lastObservedTime", formatMicroTime(series.last_seen)}}}};
  ++writes_;
  auto patched =
      client_->patch(resources::kEvents.in(series.event_namespace).named(series.event_name),
                     PatchType::kMerge, patch);
  if (!patched.has_value()) {
    spdlog::warn("event series {}: {}", series.event_name, patched.error().message);
  }
  series.written_count = series.count;
  series.last_write = now;
}

void EventRecorder::process(const Pending& pending) {
  const Json& regarding = pending.regarding;
  const EventType type = pending.type;
  const std::string& reason = pending.reason;
  const std::string& action = pending.action;
  const std::string& note = pending.note;
  std::lock_guard lock(mutex_);
  const Timestamp now = pending.at;
  const Json& metadata = regarding.contains("metadata") ? regarding["metadata"] : Json::object();
  std::string name = metadata.value("name", "");
  std::string ns = metadata.value("namespace", "");
  std::string object_key =
      regarding.value("kind", "") + "/" + ns + "/" + name + "/" + metadata.value("uid", "");
  const char* type_text = type == EventType::kWarning ? "Warning" : "Normal";

  // Many different notes for one object and reason: a flapping condition. Aggregate them.
  std::string effective_note(utf8Prefix(note, kMaxNote));
  Similar& similar = similar_[object_key + "/" + reason];
  while (!similar.notes.empty() && now - similar.notes.front().first > options_.similar_window) {
    similar.notes.pop_front();
  }
  similar.notes.emplace_back(now, note);
  std::set<std::string> distinct;
  for (const auto& entry : similar.notes) distinct.insert(entry.second);
  bool aggregated = static_cast<int>(distinct.size()) > options_.similar_limit;
  if (aggregated) {
    effective_note = std::string(utf8Prefix("(combined from similar events): " + note, kMaxNote));
  }
  std::string series_key = object_key + "/" + type_text + "/" + reason + "/" + action + "/" +
                           (aggregated ? std::string("(combined)") : effective_note);

  auto it = series_.find(series_key);
  if (it != series_.end() && now - it->second.last_seen <= options_.series_window) {
    Series& series = it->second;
    ++series.count;
    series.last_seen = now;
    if (now - series.last_write >= options_.series_write_interval) writeSeries(series, now);
    return;
  }
  if (!takeSpamToken(object_key, now)) {
    spdlog::debug("event {} on {} dropped by the spam filter", reason, object_key);
    return;
  }
  std::string event_ns = ns.empty() ? "default" : ns;
  std::string event_name = (name.empty() ? std::string("object") : name) + "." +
                           hex(static_cast<std::uint64_t>(now.time_since_epoch().count())) +
                           hex(++sequence_);
  Json regarding_ref = {{"apiVersion", regarding.value("apiVersion", "")},
                        {"kind", regarding.value("kind", "")},
                        {"name", name}};
  if (!ns.empty()) regarding_ref["namespace"] = ns;
  if (metadata.contains("uid")) regarding_ref["uid"] = metadata["uid"];
  if (metadata.contains("resourceVersion")) {
    regarding_ref["resourceVersion"] = metadata["resourceVersion"];
  }
  Json event = {
      {"apiVersion", "events.k8s.io/v1"},
      {"kind", "Event"},
      {"metadata", {{"name", event_name}, {"namespace", event_ns}}},
      {"eventTime", formatMicroTime(now)},
      {"reportingController", options_.reporting_controller},
      {"reportingInstance", options_.reporting_instance.empty() ? options_.reporting_controller
                                                                : options_.reporting_instance},
      {"action", action},
      {"reason", reason},
      {"type", type_text},
      {"note", effective_note},
      {"regarding", regarding_ref}};
  ++writes_;
  if (auto created = client_->create(resources::kEvents.in(event_ns), event);
      !created.has_value()) {
    spdlog::warn("event {} on {}: {}", reason, object_key, created.error().message);
  }
  Series& series = series_[series_key];
  series = Series{event_name, event_ns, 1, 1, now, now, now};
}

}  // namespace aviary::kube
