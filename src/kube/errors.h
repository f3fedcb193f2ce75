#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace aviary::kube {

// Error codes of the Kubernetes client, as in `Error.code`. They follow metav1.StatusReason (and
// client-go's apierrors.Is* helpers) so callers branch on the code, never on the message.
inline constexpr const char* kNotFound = "NotFound";
inline constexpr const char* kAlreadyExists = "AlreadyExists";
inline constexpr const char* kConflict = "Conflict";  // stale resourceVersion or a patch conflict
inline constexpr const char* kGone = "Gone";          // resourceVersion too old: relist
inline constexpr const char* kForbidden = "Forbidden";
inline constexpr const char* kUnauthorized = "Unauthorized";
inline constexpr const char* kInvalid = "Invalid";  // message lists the field causes
inline constexpr const char* kBadRequest = "BadRequest";
inline constexpr const char* kTooManyRequests = "TooManyRequests";
inline constexpr const char* kUnavailable = "Unavailable";  // 5xx, connection refused, reset
inline constexpr const char* kTimeout = "Timeout";
inline constexpr const char* kInternal = "InternalError";
inline constexpr const char* kCancelled = "Cancelled";

// Decodes an API server answer with a non-2xx `http_status` and its body (normally a metav1.Status)
// into an Error. The code comes from the Status `reason` when present, else from the HTTP status.
// For Invalid, the message ends with the causes ("spec.replicas: Invalid value: -1 ...").
Error decodeStatusError(int http_status, std::string_view body);

// Seconds from a Retry-After header ("3"); nullopt when absent or not a number (HTTP dates are
// not used by the API server).
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view header);

bool isNotFound(const Error& error);
bool isAlreadyExists(const Error& error);
bool isConflict(const Error& error);
bool isGone(const Error& error);

}  // namespace aviary::kube
