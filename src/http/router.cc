#include "http/router.h"

#include <fmt/format.h>

#include "common/hex.h"

namespace aviary::http {
namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

bool isCapture(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hexDigitValue(text[i + 1]);
    const int low = hexDigitValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

void PathParams::set(std::string name, std::string value) {
  values_.emplace_back(std::move(name), std::move(value));
}

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

bool PathParams::has(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return true;
  }
  return false;
}

void Router::add(std::string method, std::string_view pattern, RouteHandler handler) {
  Route route{std::move(method), {}, std::move(handler)};
  for (std::string_view segment : splitPath(pattern)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string>& path, PathParams* params) {
  if (route.segments.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& segment = route.segments[i];
    if (isCapture(segment)) continue;
    if (segment != path[i]) return false;
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& segment = route.segments[i];
    if (isCapture(segment)) {
      params->set(segment.substr(1, segment.size() - 2), path[i]);
    }
  }
  return true;
}

Response Router::dispatch(const Request& request) const {
  std::vector<std::string> path;
  for (std::string_view raw : splitPath(request.path)) {
    auto decoded = percentDecode(raw);
    if (!decoded) {
      return errorResponse(400,
                           fmt::format("malformed percent-encoding in path segment '{}'", raw));
    }
    path.push_back(std::move(*decoded));
  }
  bool other_method = false;
  for (const Route& route : routes_) {
    PathParams params;
    if (!match(route, path, &params)) continue;
    if (route.method != request.method) {
      other_method = true;
      continue;
    }
    return route.handler(request, params);
  }
  if (other_method) {
    return errorResponse(405,
                         fmt::format("method {} not allowed on {}", request.method, request.path));
  }
  return errorResponse(404, fmt::format("no route for {} {}", request.method, request.path));
}

}  // namespace aviary::http
