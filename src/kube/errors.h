#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace aviary::kube {

// Kubernetes answers map onto common/result.h's closed ErrorCode set as client-go's apierrors.Is*
// helpers read them: NotFound, AlreadyExists, Conflict (stale resourceVersion), Gone (relist),
// Forbidden -> PermissionDenied, Unauthorized -> Unauthenticated, Invalid and BadRequest ->
// InvalidArgument (the message lists the field causes), TooManyRequests -> ResourceExhausted,
// Timeout -> DeadlineExceeded, 5xx -> Unavailable (InternalError -> Internal).

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
// The API server's "Too large resource version" (a watch or list asked for a version newer than
// its cache has seen, e.g. after an etcd restore or from a lagging apiserver): relist from scratch.
bool isTooLargeResourceVersion(const Error& error);

// Whether the same request may succeed if sent again after a backoff: Unavailable,
// DeadlineExceeded, ResourceExhausted (429) and Internal (a 500 from the server). Conflict is not:
// the caller must re-read the object and decide again. Everything else (NotFound, Invalid,
// Forbidden, Cancelled, ...) fails the same way every time.
bool isRetryable(const Error& error);

}  // namespace aviary::kube
