#include "kube/events.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include "kube/leader_election.h"

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
    : client_(std::move(client)), clock_(std::move(clock)), options_(std::move(options)) {}

int EventRecorder::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
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

void EventRecorder::writeSeries(Series& series) {
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
  series.last_write = clock_->now();
}

void EventRecorder::record(const Json& regarding, EventType type, const std::string& reason,
                           const std::string& action, const std::string& note) {
  std::lock_guard lock(mutex_);
  Timestamp now = clock_->now();
  const Json& metadata = regarding.contains("metadata") ? regarding["metadata"] : Json::object();
  std::string name = metadata.value("name", "");
  std::string ns = metadata.value("namespace", "");
  std::string object_key =
      regarding.value("kind", "") + "/" + ns + "/" + name + "/" + metadata.value("uid", "");
  const char* type_text = type == EventType::kWarning ? "Warning" : "Normal";

  // Many different notes for one object and reason: a flapping condition. Aggregate them.
  std::string effective_note = note.substr(0, kMaxNote);
  Similar& similar = similar_[object_key + "/" + reason];
  while (!similar.notes.empty() && now - similar.notes.front().first > options_.similar_window) {
    similar.notes.pop_front();
  }
  similar.notes.emplace_back(now, note);
  std::set<std::string> distinct;
  for (const auto& entry : similar.notes) distinct.insert(entry.second);
  bool aggregated = static_cast<int>(distinct.size()) > options_.similar_limit;
  if (aggregated) {
    effective_note = ("(combined from similar events): " + note).substr(0, kMaxNote);
  }
  std::string series_key = object_key + "/" + type_text + "/" + reason + "/" + action + "/" +
                           (aggregated ? std::string("(combined)") : effective_note);

  auto it = series_.find(series_key);
  if (it != series_.end() && now - it->second.last_seen <= options_.series_window) {
    Series& series = it->second;
    ++series.count;
    series.last_seen = now;
    if (now - series.last_write >= options_.series_write_interval) writeSeries(series);
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

void EventRecorder::flush() {
  std::lock_guard lock(mutex_);
  Timestamp now = clock_->now();
  for (auto it = series_.begin(); it != series_.end();) {
    Series& series = it->second;
    if (series.count > series.written_count) writeSeries(series);
    // Forget finished series so the maps do not grow without bound.
    if (now - series.last_seen > options_.series_window) {
      it = series_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace aviary::kube
