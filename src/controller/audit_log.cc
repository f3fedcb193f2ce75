#include "controller/audit_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace aviary::controller {

std::string auditLine(const governance::AuditRecord& record) {
  return governance::auditJson(record).dump();
}

void logAudit(const governance::AuditRecord& record) {
  static const std::shared_ptr<spdlog::logger> kLogger = [] {
    auto logger = std::make_shared<spdlog::logger>(
        "aviary-audit", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%v");
    logger->flush_on(spdlog::level::info);
    return logger;
  }();
  kLogger->info("{}", auditLine(record));
}

}  // namespace aviary::controller
