// aviary-controller: the ModelDeployment operator (src/controller/README.md).
#include <signal.h>

#include <cstdio>
#include <string_view>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "operator/config.h"
#include "operator/heap_release.h"
#include "operator/operator_app.h"

namespace {

bool inCluster() { return std::getenv("KUBERNETES_SERVICE_HOST") != nullptr; }

}  // namespace

int main(int argc, char** argv) {
  using namespace aviary::operator_app;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  auto config = parseConfig(args, aviary::processEnvironment());
  if (!config) {
    std::fprintf(stderr, "aviary-controller: %s\n\n%s", config.error().message.c_str(),
                 usage().c_str());
    return 2;
  }
  if (config->help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  const std::string format =
      config->log_format.empty() ? (inCluster() ? "json" : "text") : config->log_format;
  const auto log_format = aviary::parseLogFormat(format);
  if (!log_format || !aviary::setUpLogging(*log_format, config->log_level, "aviary-controller")) {
    std::fprintf(stderr, "aviary-controller: bad --log-format or --log-level\n");
    return 2;
  }

  limitHeapArenas();
  // Stop signals are blocked in every thread (workers inherit the mask); one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto app = OperatorApp::create(*config);
  if (!app) {
    std::fprintf(stderr, "aviary-controller: %s\n", app.error().message.c_str());
    return 1;
  }
  std::stop_source stop;
  std::jthread signals([&stop, &stop_signals](std::stop_token own) {
    const timespec poll{0, 200'000'000};
    while (!own.stop_requested()) {
      if (sigtimedwait(&stop_signals, nullptr, &poll) > 0) {
        stop.request_stop();
        return;
      }
    }
  });
  std::jthread heap_release(
      [](std::stop_token own) { releaseFreeHeapUntil(own, std::chrono::seconds{30}); });
  const auto ran = (*app)->run(stop.get_token());
  heap_release.request_stop();
  signals.request_stop();
  if (!ran) {
    std::fprintf(stderr, "aviary-controller: %s\n", ran.error().message.c_str());
    return 1;
  }
  return 0;
}
