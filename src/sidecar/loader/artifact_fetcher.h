#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace aviary::sidecar {

struct FetchOptions {
  std::size_t max_bytes = std::size_t{1} << 30;  // larger artifacts are refused (TooLarge)
  std::string ca_file;  // PEM bundle trusted for https; empty uses the system's trust store
  std::chrono::seconds timeout{60};  // per socket read/write
  int max_redirects = 5;
};

// Reads a model artifact from `uri`: "file:///abs/path" (or a bare path), "http://..." or
// "https://...". https verifies the server's certificate chain and host name with OpenSSL;
// there is no switch to turn verification off. Errors: InvalidArgument (bad URI), NotFound,
// TooLarge, Unavailable (network, TLS or a non-200 answer), each naming the URI.
Result<std::string> fetchArtifact(std::string_view uri, const FetchOptions& options);

// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

}  // namespace aviary::sidecar
