// One candidate for leader election against a real API server, for the integration test: logs
// "start <unix ms>" when it begins leading and "stop <unix ms>" when it stops, to the file given.
// Usage: kube_lease_contender KUBECONFIG NAMESPACE LEASE IDENTITY LOG_FILE
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "kube/leader_election.h"
#include "kube/rest_client.h"

namespace {
std::stop_source stop;
void onSignal(int) { stop.request_stop(); }

long long nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s KUBECONFIG NAMESPACE LEASE IDENTITY LOG_FILE\n", argv[0]);
    return 2;
  }
  std::signal(SIGTERM, onSignal);
  std::signal(SIGINT, onSignal);
  auto config = aviary::kube::loadKubeconfig(argv[1]);
  if (!config.has_value()) return 3;
  config->timeout = std::chrono::seconds{2};
  auto client = aviary::kube::RestClient::create(*config);
  if (!client.has_value()) return 4;
  aviary::kube::LeaderElectionConfig election;
  election.lease_namespace = argv[2];
  election.lease_name = argv[3];
  election.identity = argv[4];
  election.lease_duration = std::chrono::seconds{3};
  election.renew_deadline = std::chrono::seconds{2};
  election.retry_period = std::chrono::milliseconds{500};
  std::ofstream log(argv[5], std::ios::app);
  aviary::kube::LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&](std::stop_token leading) {
    log << "start " << nowMs() << std::endl;
    while (!leading.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  };
  callbacks.on_stopped_leading = [&] { log << "stop " << nowMs() << std::endl; };
  aviary::kube::LeaderElector elector(*client, election);
  if (auto ran = elector.run(stop.get_token(), callbacks); !ran) {
    std::fprintf(stderr, "lease_contender: %s\n", ran.error().message.c_str());
    return 2;
  }
  return 0;
}
