#include "governance/audit.h"

#include <cstdint>
#include <cstdio>

#include "api/names.h"
#include "common/time_format.h"

namespace aviary::governance {

std::string auditId(const AuditRecord& record) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64-bit offset basis
  const auto mix = [&](const std::string& field) {
    for (unsigned char byte : field) {
      hash ^= byte;
      hash *= 1099511628211ULL;  // FNV-1a 64-bit prime
    }
    hash ^= 0xff;  // a separator no UTF-8 text contains, so ("ab","c") differs from ("a","bc")
    hash *= 1099511628211ULL;
  };
  mix(record.key);
  mix(record.revision);
  mix(record.decision);
  mix(record.reason);
  mix(formatRfc3339(record.at));
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

nlohmann::json auditJson(const AuditRecord& record) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& result : record.values) {
    values[result.name] = {
        {"value", result.value ? nlohmann::json(*result.value) : nlohmann::json()},
        {"result", api::enumName(result.result)}};
  }
  return {{"audit", kAuditSchema},
          {"id", auditId(record)},
          {"key", record.key},
          {"revision", record.revision},
          {"decision", record.decision},
          {"reason", record.reason},
          {"values", values},
          {"user", record.user},
          {"at", formatRfc3339(record.at)}};
}

}  // namespace aviary::governance
