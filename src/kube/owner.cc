#include "kube/owner.h"

#include <algorithm>

namespace aviary::kube {
namespace {

Json& metadataOf(Json& object) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) {
    object["metadata"] = Json::object();
  }
  return object["metadata"];
}

const Json* arrayAt(const Json& object, const char* field) {
  if (!object.contains("metadata")) return nullptr;
  const Json& metadata = object["metadata"];
  if (!metadata.contains(field) || !metadata[field].is_array()) return nullptr;
  return &metadata[field];
}

}  // namespace

Json ownerReference(const Json& owner, bool controller, bool block_owner_deletion) {
  const Json& metadata = owner.at("metadata");
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", metadata.value("name", "")},
          {"uid", metadata.value("uid", "")},
          {"controller", controller},
          {"blockOwnerDeletion", block_owner_deletion}};
}

Status setControllerReference(Json& object, const Json& owner) {
  Json reference = ownerReference(owner);
  std::string existing = controllerUid(object);
  if (!existing.empty() && existing != reference["uid"].get<std::string>()) {
    return fail(ErrorCode::kFailedPrecondition,
                objectKey(object) + " is already controlled by uid " + existing);
  }
  if (!existing.empty()) return {};
  Json& metadata = metadataOf(object);
  if (!metadata.contains("ownerReferences") || !metadata["ownerReferences"].is_array()) {
    metadata["ownerReferences"] = Json::array();
  }
  Json& references = metadata["ownerReferences"];
  // A non-controller reference to the same owner becomes the controller reference.
  references.erase(
      std::remove_if(references.begin(), references.end(),
                     [&](const Json& r) { return r.value("uid", "") == reference["uid"]; }),
      references.end());
  references.push_back(std::move(reference));
  return {};
}

bool isOwnedBy(const Json& object, const std::string& owner_uid) {
  const Json* references = arrayAt(object, "ownerReferences");
  if (references == nullptr) return false;
  return std::any_of(references->begin(), references->end(),
                     [&](const Json& r) { return r.value("uid", "") == owner_uid; });
}

std::string controllerUid(const Json& object) {
  const Json* references = arrayAt(object, "ownerReferences");
  if (references == nullptr) return "";
  for (const auto& reference : *references) {
    if (reference.value("controller", false)) return reference.value("uid", "");
  }
  return "";
}

bool hasFinalizer(const Json& object, const std::string& finalizer) {
  const Json* finalizers = arrayAt(object, "finalizers");
  if (finalizers == nullptr) return false;
  return std::find(finalizers->begin(), finalizers->end(), finalizer) != finalizers->end();
}

bool addFinalizer(Json& object, const std::string& finalizer) {
  if (hasFinalizer(object, finalizer)) return false;
  Json& metadata = metadataOf(object);
  if (!metadata.contains("finalizers") || !metadata["finalizers"].is_array()) {
    metadata["finalizers"] = Json::array();
  }
  metadata["finalizers"].push_back(finalizer);
  return true;
}

bool removeFinalizer(Json& object, const std::string& finalizer) {
  if (!hasFinalizer(object, finalizer)) return false;
  Json& finalizers = object["metadata"]["finalizers"];
  finalizers.erase(std::remove(finalizers.begin(), finalizers.end(), finalizer), finalizers.end());
  return true;
}

bool isBeingDeleted(const Json& object) {
  return object.contains("metadata") && object["metadata"].contains("deletionTimestamp") &&
         !object["metadata"]["deletionTimestamp"].is_null();
}

}  // namespace aviary::kube
