#pragma once

#include <string>

#include "governance/audit.h"

namespace aviary::controller {

// The audit line of `record`: its JSON (governance::auditJson), compact, on one line.
std::string auditLine(const governance::AuditRecord& record);

// Writes auditLine(record) to stderr as a line of its own (not wrapped in the log format, so a
// log pipeline can select lines starting with {"audit": and parse them as they are).
void logAudit(const governance::AuditRecord& record);

}  // namespace aviary::controller
