// aviary-sidecar: serves one model over the Open Inference Protocol v2 (see README.md).
#include <signal.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>
#include <vector>

#include "sidecar/app/config.h"
#include "sidecar/app/sidecar_app.h"
#include "sidecar/protocol/infer_response.h"

namespace {

using aviary::sidecar::SidecarApp;
using aviary::sidecar::SidecarConfig;

// %j: the message as a JSON string literal, so every log line is one JSON object.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string text = aviary::sidecar::jsonString(
        std::string_view(message.payload.data(), message.payload.size()));
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

void setUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("aviary-sidecar");
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<JsonMessageFlag>('j').set_pattern(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":%j})");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void writePortFile(const std::string& path, const SidecarApp& app) {
  if (path.empty()) return;
  std::ofstream out(path + ".tmp");
  out << fmt::format(R"({{"port":{},"metrics_port":{}}})", app.port(),
                     app.metricsPort().value_or(app.port()))
      << "\n";
  out.close();
  std::rename((path + ".tmp").c_str(), path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  auto config = aviary::sidecar::parseConfig(args, [](std::string_view name) {
    const char* value = std::getenv(std::string(name).c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  });
  if (!config) {
    std::fprintf(stderr, "aviary-sidecar: %s\n\n%s", config.error().message.c_str(),
                 aviary::sidecar::usage().c_str());
    return 2;
  }
  if (config->help) {
    std::fputs(aviary::sidecar::usage().c_str(), stdout);
    return 0;
  }
  setUpLogging(config->log_level);

  // Block the stop signals in every thread (workers inherit the mask); main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  SidecarApp app(*config);
  if (auto started = app.start(); !started) {
    spdlog::error("{}", started.error().message);
    return 1;
  }
  writePortFile(config->port_file, app);
  spdlog::flush_every(std::chrono::seconds(1));

  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("received signal {}, shutting down", received);
  app.shutdown();
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}
