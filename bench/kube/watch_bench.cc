// Watch decoding throughput and cache memory per object, for a typical ModelDeployment.
// Usage: kube_watch_bench [OBJECTS]   (bench/kube/run.sh builds and runs it)
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kube/cache.h"
#include "kube/watch_decoder.h"
#include "kube/yaml.h"

namespace {

using aviary::kube::Json;

// examples/churn.yaml as the API server would send it: server-set metadata and a mid-rollout
// status.
Json typicalModelDeployment() {
  std::ifstream in("examples/churn.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto documents = aviary::kube::parseYamlDocuments(text.str());
  if (!documents.has_value() || documents->empty()) {
    std::fprintf(stderr, "run from the repository root (needs examples/churn.yaml)\n");
    std::exit(2);
  }
  Json object = (*documents)[0];
  object["metadata"]["uid"] = "6f1c1a52-3c1e-4b8e-9a55-3d2b5e2f9c10";
  object["metadata"]["resourceVersion"] = "123456";
  object["metadata"]["generation"] = 4;
  object["metadata"]["creationTimestamp"] = "2026-11-20T09:00:00Z";
  object["metadata"]["labels"] = {{"app.kubernetes.io/name", "churn"}, {"team", "retention"}};
  object["status"] = {
      {"phase", "Progressing"},
      {"observedGeneration", 4},
      {"stableRevision", "7c9f5d2a"},
      {"canaryRevision", "1a2b3c4d"},
      {"currentStep", 2},
      {"canaryWeight", 25},
      {"failedChecks", 0},
      {"analysis",
       {{{"name", "error-rate"},
         {"value", 0.2},
         {"result", "Pass"},
         {"at", "2026-11-20T09:10:00Z"}},
        {{"name", "latency-p99"},
         {"value", 12.3},
         {"result", "Pass"},
         {"at", "2026-11-20T09:10:00Z"}},
        {{"name", "drift"}, {"value", 0.04}, {"result", "Pass"}, {"at", "2026-11-20T09:10:00Z"}},
        {{"name", "fairness"},
         {"value", 0.93},
         {"result", "Pass"},
         {"at", "2026-11-20T09:10:00Z"}}}},
      {"conditions",
       {{{"type", "Ready"},
         {"status", "False"},
         {"reason", "Progressing"},
         {"message", ""},
         {"observedGeneration", 4},
         {"lastTransitionTime", "2026-11-20T09:05:00Z"}},
        {{"type", "Reconciling"},
         {"status", "True"},
         {"reason", "Analysing"},
         {"message", "step 2/4, 25% to 1a2b3c4d"},
         {"observedGeneration", 4},
         {"lastTransitionTime", "2026-11-20T09:05:00Z"}}}}};
  return object;
}

std::size_t heapInUse() { return mallinfo2().uordblks; }

}  // namespace

int main(int argc, char** argv) {
  const int objects = argc > 1 ? std::atoi(argv[1]) : 20000;
  Json base = typicalModelDeployment();
  const std::size_t json_bytes = base.dump().size();

  // A watch stream of `objects` MODIFIED events for distinct objects.
  std::string stream;
  for (int i = 0; i < objects; ++i) {
    Json object = base;
    object["metadata"]["name"] = "churn-" + std::to_string(i);
    stream += Json{{"type", "MODIFIED"}, {"object", object}}.dump();
    stream += '\n';
  }

  // Decode in 16 KiB pieces, as a network read would deliver them.
  aviary::kube::WatchDecoder decoder;
  std::vector<aviary::kube::WatchEvent> events;
  events.reserve(objects);
  auto started = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < stream.size(); at += 16384) {
    if (!decoder.feed(std::string_view(stream).substr(at, 16384), events).has_value()) return 1;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::printf("objects: %d, compact JSON per object: %zu bytes, stream: %.1f MiB\n", objects,
              json_bytes, stream.size() / 1048576.0);
  std::printf("watch decode: %.0f objects/s (%.1f MiB/s)\n", objects / seconds,
              stream.size() / 1048576.0 / seconds);
  events.clear();
  events.shrink_to_fit();

  // Memory: the heap growth from decoding the stream again into a cache, as the informer does.
  malloc_trim(0);
  std::size_t before = heapInUse();
  {
    aviary::kube::Cache cache;
    cache.addIndex(aviary::kube::kNamespaceIndex, aviary::kube::namespaceIndex);
    aviary::kube::WatchDecoder again;
    std::vector<aviary::kube::WatchEvent> batch;
    for (std::size_t at = 0; at < stream.size(); at += 16384) {
      batch.clear();
      if (!again.feed(std::string_view(stream).substr(at, 16384), batch).has_value()) return 1;
      for (auto& event : batch) cache.upsert(std::make_shared<const Json>(std::move(event.object)));
    }
    batch.clear();
    batch.shrink_to_fit();
    malloc_trim(0);
    double per_object = static_cast<double>(heapInUse() - before) / cache.size();
    std::printf("cache memory per object: %.0f bytes = JSON %zu + overhead %.0f bytes\n",
                per_object, json_bytes, per_object - static_cast<double>(json_bytes));
  }

  return 0;
}
