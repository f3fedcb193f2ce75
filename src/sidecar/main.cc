// aviary-sidecar: serves one model over the Open Inference Protocol v2 (see README.md).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <string_view>
#include <vector>

#include "common/flags.h"
#include "common/logging.h"
#include "sidecar/app/config.h"
#include "sidecar/app/sidecar_app.h"

namespace {

using aviary::sidecar::SidecarApp;
using aviary::sidecar::SidecarConfig;

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
  auto config = aviary::sidecar::parseConfig(args, aviary::processEnvironment());
  if (!config) {
    std::fprintf(stderr, "aviary-sidecar: %s\n\n%s", config.error().message.c_str(),
                 aviary::sidecar::usage().c_str());
    return 2;
  }
  if (config->help) {
    std::fputs(aviary::sidecar::usage().c_str(), stdout);
    return 0;
  }
  // parseConfig checked both values, so neither step below fails on them.
  const auto log_format = aviary::parseLogFormat(config->log_format);
  if (auto logging = aviary::setUpLogging(log_format.value_or(aviary::LogFormat::kJson),
                                          config->log_level, "aviary-sidecar");
      !logging) {
    std::fprintf(stderr, "aviary-sidecar: %s\n", logging.error().message.c_str());
    return 2;
  }

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
