#include "kube/request_path.h"

#include <vector>

namespace aviary::kube {
namespace {

std::vector<std::string_view> segmentsOf(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool hasWatchQuery(std::string_view query) {
  for (std::string_view rest = query; !rest.empty();) {
    const auto amp = rest.find('&');
    if (rest.substr(0, amp) == "watch=true" || rest.substr(0, amp) == "watch=1") return true;
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

RequestKind requestKindOf(std::string_view method, std::string_view target) {
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  std::vector<std::string_view> segments = segmentsOf(path);

  // /api/v1/... (core) or /apis/GROUP/VERSION/...
  std::string group;
  std::size_t first = 0;
  if (segments.size() >= 2 && segments[0] == "api") {
    first = 2;
  } else if (segments.size() >= 3 && segments[0] == "apis") {
    group = segments[1];
    first = 3;
  } else {
    return {std::string(method), std::string(path)};
  }
  std::vector<std::string_view> rest(segments.begin() + static_cast<std::ptrdiff_t>(first),
                                     segments.end());
  // namespaces/NS/RESOURCE... is a namespaced resource; namespaces or namespaces/NS alone is
  // the namespace object itself.
  if (rest.size() >= 3 && rest[0] == "namespaces") rest.erase(rest.begin(), rest.begin() + 2);
  if (rest.empty()) return {std::string(method), std::string(path)};

  std::string resource(rest[0]);
  if (!group.empty()) resource += "." + group;
  if (rest.size() >= 3) resource += "/" + std::string(rest[2]);
  std::string verb(method);
  if (verb == "GET" && rest.size() == 1) verb = hasWatchQuery(query) ? "WATCH" : "LIST";
  return {verb, resource};
}

}  // namespace aviary::kube
