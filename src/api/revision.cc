#include "api/revision.h"

#include <cstdint>
#include <cstdio>

#include "api/json.h"

namespace aviary::api {

std::string revisionHash(const ModelDeploymentSpec& spec, const nlohmann::json& runtime) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical for equal content.
  nlohmann::json identity = {{"model", toJson(spec).at("model")}, {"template", spec.pod_template}};
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
