#include "api/revision.h"

#include <cstdint>
#include <cstdio>

#include "api/json.h"

namespace aviary::api {

std::string revisionHash(const ModelDeploymentSpec& spec, const nlohmann::json& runtime) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical for equal content.
  nlohmann::json model = toJson(spec).at("model");
  if (model.contains("provenance")) {
    // Only what the artifact is made of: the data it was trained on (by digest, not location)
    // and the code that trained it. The dataset's URI, the run's id, the owner, the intended use
    // and the labels describe where things are and who answers for them; editing them must not
    // restart a rollout of the same model.
    const nlohmann::json& provenance = model.at("provenance");
    nlohmann::json artifact = nlohmann::json::object();
    if (provenance.contains("dataset") && provenance.at("dataset").contains("sha256")) {
      artifact["datasetSha256"] = provenance.at("dataset").at("sha256");
    }
    if (provenance.contains("codeCommit")) artifact["codeCommit"] = provenance.at("codeCommit");
    model.erase("provenance");
    if (!artifact.empty()) model["provenance"] = artifact;
  }
  nlohmann::json identity = {{"model", model}, {"template", spec.pod_template}};
  if (!runtime.is_null()) identity["runtime"] = runtime;
  const std::string canonical = identity.dump();
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64-bit offset basis
  for (unsigned char byte : canonical) {
    hash ^= byte;
    hash *= 1099511628211ULL;  // FNV-1a 64-bit prime
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return std::string(hex, 10);
}

}  // namespace aviary::api
