#include "kube/resource.h"

#include <utility>

namespace aviary::kube {

ResourceRef ResourceRef::in(std::string namespace_name) const {
  ResourceRef out = *this;
  out.ns = std::move(namespace_name);
  return out;
}

ResourceRef ResourceRef::named(std::string object_name) const {
  ResourceRef out = *this;
  out.name = std::move(object_name);
  return out;
}

std::string ResourceRef::apiVersion() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceRef::collectionPath() const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (!ns.empty()) path += "/namespaces/" + ns;
  return path + "/" + resource;
}

std::string ResourceRef::objectPath() const { return collectionPath() + "/" + name; }

std::string ResourceRef::describe() const {
  std::string kind = group.empty() ? resource : resource + "." + group;
  if (name.empty()) return ns.empty() ? kind : kind + " in " + ns;
  return kind + " " + (ns.empty() ? name : ns + "/" + name);
}

}  // namespace aviary::kube
