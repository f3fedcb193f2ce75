#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/duration.h"
#include "common/result.h"
#include "http/client.h"
#include "http/tls.h"
#include "metrics/provider.h"
#include "metrics/secret_file.h"

namespace aviary::metrics {

// How to reach one Prometheus (or anything serving its HTTP API: Thanos, Mimir, VictoriaMetrics).
struct PrometheusOptions {
  // "http://prometheus.monitoring:9090", or with a path prefix "https://host/prometheus".
  std::string address;
  // Limit on sending the query and on receiving the answer.
  Duration timeout = std::chrono::seconds(10);
  // Sent as "Authorization: Bearer <content>"; re-read when the file changes.
  std::string bearer_token_file;
  // Basic auth: the user name, and a file holding the password (re-read when it changes).
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  // CA, client certificate, or skipping verification, for an https:// address.
  http::TlsOptions tls;
};

// Provider over the Prometheus HTTP API: GET <address>/api/v1/query?query=<q> evaluated now.
//
// Result types: a vector of no samples is nullopt; of one sample, its value ("NaN", "+Inf",
// "-Inf" included); of more, InvalidArgument naming each series' labels. A scalar is its value;
// a matrix or a string is InvalidArgument (a gate needs one instant value). An answer with
// status "error" is InvalidArgument with errorType and error when Prometheus rejected the query
// (4xx), Unavailable when it failed (5xx; DeadlineExceeded when its errorType is "timeout").
// Unreachable is Unavailable; a timeout is DeadlineExceeded; 401 Unauthenticated, 403
// PermissionDenied, 429 ResourceExhausted. Thread-safe.
class PrometheusProvider final : public Provider {
 public:
  // Checks the options (an http(s) address, at most one of bearer and basic auth) and the TLS
  // material now; credential files are read at each query, so they may appear later.
  static Result<std::shared_ptr<PrometheusProvider>> create(const PrometheusOptions& options);

  Result<std::optional<double>> query(const std::string& query) override;

  const std::string& address() const { return address_; }

 private:
  PrometheusProvider(std::string address, http::Client::Ptr client, PrometheusOptions options);
  Result<std::optional<std::string>> authorization();

  const std::string address_;
  const http::Client::Ptr client_;
  const std::string basic_auth_username_;
  std::optional<SecretFile> bearer_token_;
  std::optional<SecretFile> basic_auth_password_;
};

// The Provider::Ptr form of PrometheusProvider::create, for factories.
Result<Provider::Ptr> makePrometheusProvider(const PrometheusOptions& options);

}  // namespace aviary::metrics
