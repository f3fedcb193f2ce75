#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace aviary::testing {

// One scripted answer. With `chunked`, each segment goes out as its own HTTP chunk after `gap`,
// so a client sees the body split exactly there (mid-line splits included).
struct ReplayResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> segments;
  bool chunked = false;
  std::chrono::milliseconds gap{0};
  // Keep the connection open after the last segment until the server stops (a watch that never
  // ends).
  bool hold_open = false;

  static ReplayResponse json(int status, std::string body);
  static ReplayResponse stream(std::vector<std::string> segments,
                               std::chrono::milliseconds gap = std::chrono::milliseconds{0});
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(const std::string& name) const;
};

// A plain-HTTP server on 127.0.0.1 port 0 that answers requests, in arrival order, with the
// responses queued by the test, and records what it received. Unscripted requests get a 599.
class ReplayServer {
 public:
  ReplayServer();
  ~ReplayServer();
  ReplayServer(const ReplayServer&) = delete;
  ReplayServer& operator=(const ReplayServer&) = delete;

  std::string url() const;
  void enqueue(ReplayResponse response);
  std::vector<RecordedRequest> requests() const;
  // Waits (up to `timeout`) until at least `count` requests arrived.
  bool waitForRequests(std::size_t count, std::chrono::milliseconds timeout);

 private:
  void acceptLoop();
  void serve(int fd);
  bool next(ReplayResponse& out);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ReplayResponse> responses_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace aviary::testing
