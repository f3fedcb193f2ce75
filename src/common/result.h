#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace aviary {

// The closed set of things that can go wrong, in the spirit of absl::StatusCode. Callers branch on
// the code (retry, give up, report), never on the message. Kubernetes reasons map onto it in
// kube/errors.h.
enum class ErrorCode {
  kInvalidArgument,     // the input is wrong: a request, a spec, a flag, a file's content
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // a create found the name taken
  kConflict,            // optimistic concurrency lost (a stale resourceVersion): re-read, retry
  kGone,                // a watch's resourceVersion is too old: relist
  kFailedPrecondition,  // the state does not allow it (owned by another controller, not ready)
  kPermissionDenied,    // authenticated, but not allowed
  kUnauthenticated,     // no or bad credentials
  kResourceExhausted,   // too large, too many, or rate limited (HTTP 429)
  kDataLoss,            // content does not match its checksum
  kUnavailable,         // transient: connection refused or reset, 5xx; retry with backoff
  kDeadlineExceeded,    // timed out
  kCancelled,           // the caller asked to stop
  kUnimplemented,       // not supported (yet)
  kInternal,            // a bug or an invariant broken
};

// "InvalidArgument", "NotFound", ...: the code's name for logs, metrics and wire formats.
constexpr std::string_view codeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kAlreadyExists:
      return "AlreadyExists";
    case ErrorCode::kConflict:
      return "Conflict";
    case ErrorCode::kGone:
      return "Gone";
    case ErrorCode::kFailedPrecondition:
      return "FailedPrecondition";
    case ErrorCode::kPermissionDenied:
      return "PermissionDenied";
    case ErrorCode::kUnauthenticated:
      return "Unauthenticated";
    case ErrorCode::kResourceExhausted:
      return "ResourceExhausted";
    case ErrorCode::kDataLoss:
      return "DataLoss";
    case ErrorCode::kUnavailable:
      return "Unavailable";
    case ErrorCode::kDeadlineExceeded:
      return "DeadlineExceeded";
    case ErrorCode::kCancelled:
      return "Cancelled";
    case ErrorCode::kUnimplemented:
      return "Unimplemented";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Internal";
}

// What went wrong, as a value: a code from the closed set, and a message for people that grows
// context on the way up.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // Returns a copy whose message is prefixed with `context`, e.g. "loading model: file not found".
  Error withContext(const std::string& context) const { return {code, context + ": " + message}; }
  std::string_view codeName() const { return aviary::codeName(code); }
};

template <typename T>
using Result = std::expected<T, Error>;

// Result for operations that return nothing on success.
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

inline std::unexpected<Error> fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace aviary

// Evaluates `expr` (a Result); on error returns it from the enclosing function, else binds the
// value. g++ 12 lacks std::expected's monadic members, so this carries the early return.
#define AVIARY_ASSIGN_OR_RETURN(lhs, expr)                           \
  auto AVIARY_CONCAT(result_, __LINE__) = (expr);                    \
  if (!AVIARY_CONCAT(result_, __LINE__).has_value())                 \
    return ::aviary::fail(AVIARY_CONCAT(result_, __LINE__).error()); \
  lhs = std::move(*AVIARY_CONCAT(result_, __LINE__))

// Evaluates `expr` (a Status or Result); on error returns it from the enclosing function.
#define AVIARY_RETURN_IF_ERROR(expr)                                                \
  do {                                                                              \
    auto aviary_status_ = (expr);                                                   \
    if (!aviary_status_.has_value()) return ::aviary::fail(aviary_status_.error()); \
  } while (false)

#define AVIARY_CONCAT_INNER(a, b) a##b
#define AVIARY_CONCAT(a, b) AVIARY_CONCAT_INNER(a, b)
