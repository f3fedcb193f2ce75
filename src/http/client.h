#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "http/tls.h"

namespace aviary::http {

struct ClientRequest {
  std::string method = "GET";
  // Path and query relative to the client's base URL, already percent-encoded:
  // "/api/v1/pods?limit=5".
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // sent only when `body` is not empty
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header named `name` (case-insensitive), or "" when absent.
  std::string header(std::string_view name) const;
};

struct ClientOptions {
  std::string base_url;  // "https://10.0.0.1:6443"
  TlsOptions tls;
  // Limit on each send and each receive (not on a whole streamed response: a watch may last
  // minutes as long as bytes keep coming within this limit).
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};
};

// Receives a streamed body piece by piece as the network delivers it; pieces split anywhere,
// including inside a line. Return false to stop reading.
using ChunkHandler = std::function<bool(std::string_view chunk)>;

// A blocking HTTP/1.1 client for one base URL.
//
// Contract: transport failures (connect, TLS, timeout, reset) are errors with code "Unavailable"
// (or "Timeout" for timeouts) and "Cancelled" when `stop` was requested; any HTTP status, 4xx and
// 5xx included, is a successful ClientResponse for the caller to interpret. Thread-safe.
class Client {
 public:
  using Ptr = std::shared_ptr<Client>;
  virtual ~Client() = default;

  // Sends `request` and reads the whole response body.
  virtual Result<ClientResponse> send(const ClientRequest& request, std::stop_token stop = {}) = 0;

  // Sends `request`; on a 2xx status hands the body to `on_chunk` as it arrives, until the server
  // ends it, `on_chunk` returns false or `stop` is requested (then the connection is dropped).
  // The returned response carries status and headers; its body is filled only for non-2xx answers.
  virtual Result<ClientResponse> stream(const ClientRequest& request, const ChunkHandler& on_chunk,
                                        std::stop_token stop = {}) = 0;
};

// A Client over cpprestsdk with the TLS material of `options` (checked here, so a bad PEM is an
// error now rather than at the first request).
Result<Client::Ptr> makeClient(const ClientOptions& options);

// Percent-encodes `text` for use in a query value or path segment (RFC 3986 unreserved kept).
std::string urlEncode(std::string_view text);

// An http(s) URL as a Client takes it: the base ("https://host:port", for ClientOptions) and the
// target ("/path?query", for ClientRequest; "/" when the URL has no path).
struct UrlParts {
  std::string base_url;
  std::string target;
};
// InvalidArgument unless `url` starts with "http://" or "https://" and names a host.
Result<UrlParts> splitUrl(std::string_view url);

}  // namespace aviary::http
