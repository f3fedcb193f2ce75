#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/status.h"
#include "common/clock.h"

// The audit trail: every decision the controller makes, as one record with a stable schema
// (kAuditSchema), logged as one JSON line and sent to the audit webhook when one is configured.
namespace aviary::governance {

inline constexpr const char* kAuditSchema = "aviary.dev/v1";

struct AuditRecord {
  std::string key;       // "namespace/name" of the ModelDeployment
  std::string revision;  // the revision the decision is about (the canary's, else the stable's)
  std::string decision;  // the Event's reason: "StepAdvanced", "AnalysisFailed", "Promoted", ...
  std::string reason;    // the Event's message, in prose
  std::vector<api::MetricResult> values;  // the analysis round behind the decision, if any
  std::string user;  // who asked, for a manual request, where the API server recorded it
  Timestamp at{};    // when the decision was made (the transition time written to status)

  friend bool operator==(const AuditRecord&, const AuditRecord&) = default;
};

// A deterministic id: 16 hex digits of FNV-1a over key, revision, decision, reason and time, so a
// record sent again (a retry, or the same decision re-derived after a restart) carries the same id
// and a receiver can drop repeats.
std::string auditId(const AuditRecord& record);

// {"audit": "aviary.dev/v1", "id", "key", "revision", "decision", "reason", "values": {gate:
// {"value", "result"}}, "user", "at"}: field names and types never change within a schema.
nlohmann::json auditJson(const AuditRecord& record);

}  // namespace aviary::governance
