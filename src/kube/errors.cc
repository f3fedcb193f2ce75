#include "kube/errors.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace aviary::kube {
namespace {

const char* codeForHttpStatus(int status) {
  switch (status) {
    case 400:
      return kBadRequest;
    case 401:
      return kUnauthorized;
    case 403:
      return kForbidden;
    case 404:
      return kNotFound;
    case 409:
      return kConflict;
    case 410:
      return kGone;
    case 422:
      return kInvalid;
    case 429:
      return kTooManyRequests;
    case 500:
      return kInternal;
    case 504:
      return kTimeout;
    default:
      return status >= 500 ? kUnavailable : kBadRequest;
  }
}

// Maps metav1.StatusReason values onto our codes; unknown reasons fall back to the HTTP status.
const char* codeForReason(std::string_view reason) {
  if (reason == "NotFound") return kNotFound;
  if (reason == "AlreadyExists") return kAlreadyExists;
  if (reason == "Conflict") return kConflict;
  if (reason == "Gone" || reason == "Expired") return kGone;
  if (reason == "Forbidden") return kForbidden;
  if (reason == "Unauthorized") return kUnauthorized;
  if (reason == "Invalid") return kInvalid;
  if (reason == "BadRequest") return kBadRequest;
  if (reason == "TooManyRequests") return kTooManyRequests;
  if (reason == "ServiceUnavailable") return kUnavailable;
  if (reason == "Timeout" || reason == "ServerTimeout") return kTimeout;
  if (reason == "InternalError") return kInternal;
  return nullptr;
}

}  // namespace

Error decodeStatusError(int http_status, std::string_view body) {
  nlohmann::json status = nlohmann::json::parse(body, nullptr, false);
  if (status.is_discarded() || !status.is_object() || status.value("kind", "") != "Status") {
    std::string text(body.substr(0, 200));
    return Error{codeForHttpStatus(http_status),
                 "HTTP " + std::to_string(http_status) + (text.empty() ? "" : ": " + text)};
  }
  const char* code = codeForReason(status.value("reason", ""));
  if (code == nullptr) code = codeForHttpStatus(status.value("code", http_status));
  std::string message = status.value("message", "HTTP " + std::to_string(http_status));
  if (std::string_view(code) == kInvalid && status.contains("details") &&
      status["details"].contains("causes") && status["details"]["causes"].is_array()) {
    std::string causes;
    for (const auto& cause : status["details"]["causes"]) {
      std::string line = cause.value("field", "") + ": " + cause.value("message", "");
      if (message.find(cause.value("message", "")) != std::string::npos) continue;
      causes += (causes.empty() ? "" : "; ") + line;
    }
    if (!causes.empty()) message += " (" + causes + ")";
  }
  return Error{code, message};
}

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  long seconds = 0;
  auto [end, error] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || error != std::errc{} || end != header.data() + header.size() || seconds < 0)
    return std::nullopt;
  return std::chrono::seconds{seconds};
}

bool isNotFound(const Error& error) { return error.code == kNotFound; }
bool isAlreadyExists(const Error& error) { return error.code == kAlreadyExists; }
bool isConflict(const Error& error) { return error.code == kConflict; }
bool isGone(const Error& error) { return error.code == kGone; }

}  // namespace aviary::kube
