#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/server.h"

namespace aviary::http {

// Values captured by `{name}` segments of a route pattern.
class PathParams {
 public:
  void set(std::string name, std::string value);
  // The captured value, or empty when the pattern has no such segment.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

using RouteHandler = std::function<Response(const Request&, const PathParams&)>;

// Decodes RFC 3986 percent-encoding ("%2F" -> "/"; '+' stays '+', as it does in a path). Nothing
// when a '%' is not followed by two hex digits.
std::optional<std::string> percentDecode(std::string_view text);

// Maps (method, path pattern) to handlers. A pattern is literal segments and `{name}` segments,
// each matching exactly one non-empty path segment: "/v2/models/{name}/versions/{version}/infer".
// The path is split at '/' first, then each segment is percent-decoded, so a captured value may
// hold any byte ("my%2Fmodel" captures "my/model"); a malformed escape is answered 400.
// Routes are tried in the order they were added; the first match wins. A path that matches a
// pattern under another method is answered 405, one that matches nothing 404, both with a JSON
// error body. Routes are added before serving starts; dispatch() is then thread-safe.
class Router {
 public:
  void add(std::string method, std::string_view pattern, RouteHandler handler);
  Response dispatch(const Request& request) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{name}" marks a capture
    RouteHandler handler;
  };
  static bool match(const Route& route, const std::vector<std::string>& path, PathParams* params);

  std::vector<Route> routes_;
};

}  // namespace aviary::http
