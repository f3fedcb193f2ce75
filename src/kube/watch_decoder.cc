#include "kube/watch_decoder.h"

#include <algorithm>

namespace aviary::kube {

Status WatchDecoder::feed(std::string_view chunk, std::vector<WatchEvent>& out) {
  while (!chunk.empty()) {
    std::size_t newline = chunk.find('\n');
    const std::size_t line_bytes = pending_.size() + std::min(newline, chunk.size());
    if (line_bytes > max_line_bytes_) {
      pending_.clear();
      return fail(ErrorCode::kResourceExhausted,
                  "watch event longer than " + std::to_string(max_line_bytes_) + " bytes");
    }
    if (newline == std::string_view::npos) {
      pending_.append(chunk);
      return {};
    }
    if (pending_.empty()) {
      AVIARY_RETURN_IF_ERROR(decodeLine(chunk.substr(0, newline), out));
    } else {
      pending_.append(chunk.substr(0, newline));
      std::string line = std::move(pending_);
      pending_.clear();
      AVIARY_RETURN_IF_ERROR(decodeLine(line, out));
    }
    chunk.remove_prefix(newline + 1);
  }
  return {};
}

Status WatchDecoder::decodeLine(std::string_view line, std::vector<WatchEvent>& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return {};
  Json event = Json::parse(line, nullptr, false);
  if (event.is_discarded() || !event.is_object() || !event.contains("type") ||
      !event["type"].is_string()) {
    return fail(ErrorCode::kInternal,
                "watch: not a watch event: " + std::string(line.substr(0, 200)));
  }
  const std::string& type = event["type"].get_ref<const std::string&>();
  WatchEvent decoded{WatchEvent::Type::kAdded, {}};
  if (type == "ADDED") {
    decoded.type = WatchEvent::Type::kAdded;
  } else if (type == "MODIFIED") {
    decoded.type = WatchEvent::Type::kModified;
  } else if (type == "DELETED") {
    decoded.type = WatchEvent::Type::kDeleted;
  } else if (type == "BOOKMARK") {
    decoded.type = WatchEvent::Type::kBookmark;
  } else if (type == "ERROR") {
    const Json& status = event.contains("object") ? event["object"] : Json::object();
    int code = status.is_object() ? status.value("code", 500) : 500;
    return fail(decodeStatusError(code, status.dump()).withContext("watch"));
  } else {
    return fail(ErrorCode::kInternal, "watch: unknown event type " + type);
  }
  if (!event.contains("object") || !event["object"].is_object()) {
    return fail(ErrorCode::kInternal, "watch: " + type + " event without an object");
  }
  decoded.object = std::move(event["object"]);
  out.push_back(std::move(decoded));
  return {};
}

}  // namespace aviary::kube
