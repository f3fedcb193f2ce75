#include "sidecar/server/audit_log.h"

#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>

#include "common/json_text.h"

namespace aviary::sidecar {

AuditLog::AuditLog(std::shared_ptr<spdlog::logger> logger, double sample_rate, bool allow_payloads)
    : logger_(std::move(logger)),
      sample_rate_(std::clamp(sample_rate, 0.0, 1.0)),
      allow_payloads_(allow_payloads) {}

bool AuditLog::sampled() const {
  if (sample_rate_ >= 1.0) return true;
  if (sample_rate_ <= 0.0) return false;
  thread_local std::minstd_rand engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine) < sample_rate_;
}

void AuditLog::write(const AuditRecord& record) const {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, R"("type":"inference","request_id":{},"model":{},"revision":{},)",
                 jsonString(record.request_id), jsonString(record.model),
                 jsonString(record.revision));
  fmt::format_to(it, R"("code":{},"latency_ms":{:.3f},"rows":{})", record.code,
                 record.latency_seconds * 1000.0, record.rows);
  if (!record.outputs.empty()) {
    double sum = 0;
    float low = record.outputs.front();
    float high = low;
    for (float v : record.outputs) {
      sum += v;
      low = std::min(low, v);
      high = std::max(high, v);
    }
    const double mean = sum / static_cast<double>(record.outputs.size());
    if (std::isfinite(mean)) {
      fmt::format_to(it, R"(,"output":{{"count":{},"mean":{},"min":{},"max":{}}})",
                     record.outputs.size(), mean, low, high);
    }
  }
  if (!record.error.empty()) fmt::format_to(it, R"(,"error":{})", jsonString(record.error));
  if (!record.payload.empty()) fmt::format_to(it, R"(,"payload":{})", jsonString(record.payload));
  logger_->info(std::string_view(out.data(), out.size()));
}

std::shared_ptr<spdlog::logger> makeAuditLogger(const std::string& path) {
  spdlog::sink_ptr sink;
  if (path.empty() || path == "-") {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path);
  }
  auto logger = std::make_shared<spdlog::logger>("audit", std::move(sink));
  logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
      AuditLog::kPattern, spdlog::pattern_time_type::utc, "\n"));
  logger->set_level(spdlog::level::info);
  logger->flush_on(spdlog::level::err);
  return logger;
}

}  // namespace aviary::sidecar
