#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "kube/client.h"

namespace aviary::kube {

enum class EventType { kNormal, kWarning };

struct EventRecorderOptions {
  std::string reporting_controller = "aviary.dev/controller";
  std::string reporting_instance;  // the pod name
  // A repeat of an identical event within this window joins its series instead of creating a new
  // Event (client-go's events library: 6 minutes).
  std::chrono::milliseconds series_window{std::chrono::minutes{6}};
  // Series counts are written back at most this often per event; flush() writes what is pending.
  std::chrono::milliseconds series_write_interval{std::chrono::seconds{30}};
  // More than `similar_limit` distinct notes for one object and reason within `similar_window`
  // collapse into one "(combined from similar events)" event (client-go's EventAggregator: 10 in
  // 10 minutes). A flapping condition then costs one series, not one Event per flap.
  int similar_limit = 10;
  std::chrono::milliseconds similar_window{std::chrono::minutes{10}};
  // New Events per object: a bucket of `spam_burst`, refilled one per `spam_refill`
  // (client-go's spam filter: 25, one per 5 minutes). Series updates are not limited.
  int spam_burst = 25;
  std::chrono::milliseconds spam_refill{std::chrono::minutes{5}};
  // Events recorded but not yet written; when full, record() drops the event and counts it
  // (client-go's broadcaster: 1000).
  std::size_t queue_size = 1000;
};

// Records events.k8s.io/v1 Events about objects, without flooding the API server.
//
// Contract: record() only queues the event and returns: it never waits for the API server, never
// fails the caller and never throws. One background thread writes the queue in order (errors are
// logged); when queue_size events are waiting, new ones are dropped and counted in dropped().
// Identical events (same object, type, reason, action and note) within series_window update one
// Event's series.count rather than creating Events; writes of a series are throttled to one per
// series_write_interval. Times are those of record(), not of the write. Notes are cut to 1024
// bytes on a UTF-8 character boundary. Thread-safe.
class EventRecorder {
 public:
  EventRecorder(KubeClient::Ptr client, Clock::Ptr clock, EventRecorderOptions options = {});
  // stop().
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `regarding` is the object (at least apiVersion, kind, metadata.name/namespace/uid).
  void record(const Json& regarding, EventType type, const std::string& reason,
              const std::string& action, const std::string& note);
  // Waits until every event recorded before the call is written, then writes every pending
  // series count and forgets series, aggregation and spam state that has run out. The writer
  // does the same by itself (for the series that are due) whenever it has been idle for
  // series_write_interval; call flush() on shutdown and in tests.
  void flush();
  // flush(), then ends the writer thread. Events recorded afterwards are dropped (and counted).
  // Idempotent.
  void stop();

  // Number of API writes done so far (creates + series patches), for tests and metrics.
  int writes() const;
  // Events dropped because the queue was full or the recorder stopped.
  std::uint64_t dropped() const;

 private:
  struct Pending {
    Json regarding;
    EventType type;
    std::string reason;
    std::string action;
    std::string note;
    Timestamp at;
  };
  struct Series {
    std::string event_name;
    std::string event_namespace;
    int count = 0;
    int written_count = 0;
    Timestamp first_seen{};
    Timestamp last_seen{};
    Timestamp last_write{};
  };
  struct Similar {
    std::deque<std::pair<Timestamp, std::string>> notes;
  };
  struct Spam {
    double tokens = 0;
    Timestamp last{};
    bool initialised = false;
  };

  void writerLoop();
  void process(const Pending& pending);
  void prune(Timestamp now);
  // Writes the series counts not yet written (every one, or those whose interval has passed),
  // then prunes.
  void maintain(bool all_series);
  bool takeSpamToken(const std::string& object_key, Timestamp now);
  void writeSeries(Series& series, Timestamp now);

  KubeClient::Ptr client_;
  Clock::Ptr clock_;
  EventRecorderOptions options_;
  // The queue between record() and the writer thread.
  mutable std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<Pending> queue_;
  bool writing_ = false;  // the writer holds an event taken from the queue
  bool stopping_ = false;
  std::uint64_t dropped_ = 0;
  // The series, aggregation and spam state, used by the writer and flush().
  mutable std::mutex mutex_;
  std::map<std::string, Series> series_;
  std::map<std::string, Similar> similar_;
  std::map<std::string, Spam> spam_;
  int writes_ = 0;
  std::uint64_t sequence_ = 0;
  std::thread writer_;  // last: starts once everything above is initialised
};

}  // namespace aviary::kube
