#include "kube/errors.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/http_status.h"
#include "common/utf8.h"

namespace aviary::kube {
namespace {

// Maps metav1.StatusReason values onto our codes; unknown reasons fall back to the HTTP status.
std::optional<ErrorCode> codeForReason(std::string_view reason) {
  if (reason == "NotFound") return ErrorCode::kNotFound;
  if (reason == "AlreadyExists") return ErrorCode::kAlreadyExists;
  if (reason == "Conflict") return ErrorCode::kConflict;
  if (reason == "Gone" || reason == "Expired") return ErrorCode::kGone;
  if (reason == "Forbidden") return ErrorCode::kPermissionDenied;
  if (reason == "Unauthorized") return ErrorCode::kUnauthenticated;
  if (reason == "Invalid") return ErrorCode::kInvalidArgument;
  if (reason == "BadRequest") return ErrorCode::kInvalidArgument;
  if (reason == "TooManyRequests") return ErrorCode::kResourceExhausted;
  if (reason == "ServiceUnavailable") return ErrorCode::kUnavailable;
  if (reason == "Timeout" || reason == "ServerTimeout") return ErrorCode::kDeadlineExceeded;
  if (reason == "InternalError") return ErrorCode::kInternal;
  return std::nullopt;
}

}  // namespace

Error decodeStatusError(int http_status, std::string_view body) {
  nlohmann::json status = nlohmann::json::parse(body, nullptr, false);
  if (status.is_discarded() || !status.is_object() || status.value("kind", "") != "Status") {
    std::string text(utf8Prefix(body, 200));
    return Error{errorCodeForHttpStatus(http_status),
                 "HTTP " + std::to_string(http_status) + (text.empty() ? "" : ": " + text)};
  }
  const ErrorCode code = codeForReason(status.value("reason", ""))
                             .value_or(errorCodeForHttpStatus(status.value("code", http_status)));
  std::string message = status.value("message", "HTTP " + std::to_string(http_status));
  if (code == ErrorCode::kInvalidArgument && status.contains("details") &&
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

bool isNotFound(const Error& error) { return error.code == ErrorCode::kNotFound; }
bool isAlreadyExists(const Error& error) { return error.code == ErrorCode::kAlreadyExists; }
bool isConflict(const Error& error) { return error.code == ErrorCode::kConflict; }
bool isGone(const Error& error) { return error.code == ErrorCode::kGone; }

bool isTooLargeResourceVersion(const Error& error) {
  return error.message.find("Too large resource version") != std::string::npos ||
         error.message.find("ResourceVersionTooLarge") != std::string::npos;
}

bool isRetryable(const Error& error) {
  switch (error.code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kInternal:
      return true;
    default:
      return false;
  }
}

}  // namespace aviary::kube
