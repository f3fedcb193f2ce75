#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/fetch.h"

namespace aviary::sidecar {

// Size limit, trusted CAs, timeout and redirects of a download (http/fetch.h).
using FetchOptions = http::FetchOptions;

// Reads a model artifact from `uri`: "file:///abs/path" (or a bare path), "http://..." or
// "https://..." (downloaded by http::fetch, which verifies the certificate chain and host name;
// there is no switch to turn verification off). Errors: InvalidArgument (bad URI), NotFound,
// ResourceExhausted (over max_bytes), Unavailable (network, TLS or a non-200 answer), each naming
// the URI.
Result<std::string> fetchArtifact(std::string_view uri, const FetchOptions& options);

// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

}  // namespace aviary::sidecar
