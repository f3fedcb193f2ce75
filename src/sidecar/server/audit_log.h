#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace aviary::sidecar {

struct AuditRecord {
  std::string_view request_id;
  std::string_view model;
  std::string_view revision;
  int code = 0;
  double latency_seconds = 0;
  std::size_t rows = 0;
  std::span<const float> outputs;  // summarised as count/mean/min/max, never listed
  std::string_view error;          // for non-200 answers
  std::string_view payload;        // the request body; written only when non-empty
};

// Audit trail of inference requests as JSON lines, one per sampled request.
//
// Contract: sampled() decides, independently per call, with probability `sample_rate`.
// write() never logs a payload unless the record carries one, and the service puts one there
// only when the operator allowed payloads and the request asked (parameters.audit_payload).
// Thread-safe.
class AuditLog {
 public:
  // `logger` must format with kPattern (each message is a run of JSON object fields).
  AuditLog(std::shared_ptr<spdlog::logger> logger, double sample_rate, bool allow_payloads);

  bool sampled() const;
  bool allowPayloads() const { return allow_payloads_; }
  void write(const AuditRecord& record) const;

  // spdlog pattern wrapping a message of JSON fields into a JSON line with a UTC timestamp.
  static constexpr const char* kPattern = R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ",%v})";

 private:
  std::shared_ptr<spdlog::logger> logger_;
  double sample_rate_;
  bool allow_payloads_;
};

// A logger writing JSON lines to `path` ("-" or empty: stdout) for AuditLog.
std::shared_ptr<spdlog::logger> makeAuditLogger(const std::string& path);

}  // namespace aviary::sidecar
