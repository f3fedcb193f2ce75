#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace aviary::http {

struct FetchOptions {
  std::size_t max_bytes = std::size_t{1} << 30;  // larger bodies are refused (ResourceExhausted)
  std::string ca_file;  // PEM bundle trusted for https; empty uses the system's trust store
  std::chrono::seconds timeout{60};  // per socket read/write
  int max_redirects = 5;
};

// One GET of a whole body from an absolute "http://..." or "https://..." URL: the sidecar's model
// and reference-profile download.
//
// This is the second HTTP client transport, over Boost.Beast like the server, beside http::Client
// (cpprestsdk, the operator's Kubernetes and Prometheus client). It exists because the download
// needs what http::Client does not give: a byte limit enforced by the parser while reading (a
// 1 GiB cap must not buffer 10 GiB first), redirects followed but never from https to http, and
// no cpprestsdk in the sidecar binary, which otherwise needs only Beast. Use http::Client for
// everything else.
//
// https verifies the certificate chain (against `ca_file` or the system store) and the host name
// with OpenSSL, sending SNI; there is no switch to turn verification off. Errors, each naming the
// URL: InvalidArgument (bad URL or scheme, credentials in it), NotFound (404), ResourceExhausted
// (over max_bytes), Unavailable (DNS, connect, TLS, a non-200 answer, too many redirects).
Result<std::string> fetch(std::string_view url, const FetchOptions& options);

}  // namespace aviary::http
