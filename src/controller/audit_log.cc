#include "controller/audit_log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace aviary::controller {

std::string auditLine(const governance::AuditRecord& record) {
  const nlohmann::json fields = governance::auditJson(record);
  // "audit" first (a plain json object would sort it after "at"): log pipelines select the audit
  // lines by their start, {"audit":.
  nlohmann::ordered_json line;
  line["audit"] = fields.at("audit");
  for (const auto& [name, value] : fields.items()) {
    if (name != "audit") line[name] = value;
  }
  return line.dump();
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
