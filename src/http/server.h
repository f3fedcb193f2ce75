#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace aviary::http {

// One HTTP request as a handler sees it, independent of the server library underneath.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query, not percent-decoded
  std::string query;   // text after '?', empty when absent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Value of the first header named `name` (case-insensitive), empty when absent.
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Answers one request. Called on a server worker thread, concurrently with other calls: a handler
// must be thread-safe. An exception escaping a handler becomes a 500.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 0;  // 0 picks a free port; Server::port() tells which
  int threads = 1;    // worker threads running handlers
  // Requests whose body exceeds this are answered 413 and the connection is closed.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  // A connection with no complete request for this long is closed (idle keep-alive, slow clients).
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
};

// An HTTP/1.1 server with keep-alive, a body limit and a graceful drain.
//
// Contract: start() binds and begins serving on `threads` worker threads, or fails without
// leaving threads behind. drain() stops accepting new connections at once, closes idle
// keep-alive connections, lets requests already being handled finish and be answered
// (their connection then closes), and returns once none is left or `grace` has passed; the
// workers are joined before it returns. drain() is idempotent and the destructor drains.
class Server {
 public:
  using Ptr = std::unique_ptr<Server>;
  virtual ~Server() = default;

  virtual Status start() = 0;
  virtual void drain(std::chrono::milliseconds grace) = 0;
  // The bound port; meaningful after start() succeeded.
  virtual uint16_t port() const = 0;
};

// The server implementation aviary uses (Boost.Beast over Asio, see MEASUREMENTS.md).
Server::Ptr makeServer(ServerOptions options, Handler handler);

// A JSON error body in the Open Inference Protocol's shape: {"error": "<message>"}.
Response errorResponse(int status, std::string_view message);

}  // namespace aviary::http
