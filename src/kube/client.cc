#include "kube/client.h"

#include <utility>

namespace aviary::kube {

Result<ObjectList> listAll(KubeClient& client, const ResourceRef& ref, ListOptions options,
                           std::int64_t page_size) {
  ObjectList all;
  options.limit = page_size;
  options.continue_token.clear();
  do {
    AVIARY_ASSIGN_OR_RETURN(ObjectList page, client.list(ref, options));
    for (auto& item : page.items) all.items.push_back(std::move(item));
    all.resource_version = page.resource_version;
    options.continue_token = page.continue_token;
  } while (!options.continue_token.empty());
  return all;
}

std::string objectKey(const Json& object) {
  const Json& metadata = object.at("metadata");
  std::string ns = metadata.value("namespace", "");
  std::string name = metadata.value("name", "");
  return ns.empty() ? name : ns + "/" + name;
}

ResourceRef refOf(const ResourceRef& kind, const Json& object) {
  const Json& metadata = object.at("metadata");
  return kind.in(metadata.value("namespace", "")).named(metadata.value("name", ""));
}

}  // namespace aviary::kube
