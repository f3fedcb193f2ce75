#pragma once

#include "common/result.h"

namespace aviary {

// The error code for an HTTP status that is not 2xx, by the status's general meaning: what the
// API server's and Prometheus' answers share. A caller that reads a more precise reason from the
// body (Kubernetes' Status.reason, Prometheus' errorType) refines it.
inline ErrorCode errorCodeForHttpStatus(int status) {
  switch (status) {
    case 400:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kConflict;
    case 410:
      return ErrorCode::kGone;
    case 429:
      return ErrorCode::kResourceExhausted;
    case 500:
      return ErrorCode::kInternal;
    case 504:
      return ErrorCode::kDeadlineExceeded;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument;
  }
}

}  // namespace aviary
