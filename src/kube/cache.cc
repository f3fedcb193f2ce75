#include "kube/cache.h"

#include <utility>

namespace aviary::kube {

void Cache::addIndex(const std::string& name, IndexFunc index) {
  std::unique_lock lock(mutex_);
  index_funcs_[name] = std::move(index);
  indexes_[name];
}

void Cache::indexLocked(const std::string& key, const Json& object, bool add) {
  for (const auto& [name, func] : index_funcs_) {
    auto& index = indexes_[name];
    for (const auto& value : func(object)) {
      if (add) {
        index[value].insert(key);
      } else if (auto it = index.find(value); it != index.end()) {
        it->second.erase(key);
        if (it->second.empty()) index.erase(it);
      }
    }
  }
}

ObjectPtr Cache::upsert(ObjectPtr object) {
  std::string key = objectKey(*object);
  std::unique_lock lock(mutex_);
  ObjectPtr& slot = objects_[key];
  ObjectPtr previous = std::move(slot);
  if (previous) indexLocked(key, *previous, false);
  indexLocked(key, *object, true);
  slot = std::move(object);
  return previous;
}

ObjectPtr Cache::erase(const std::string& key) {
  std::unique_lock lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr previous = std::move(it->second);
  objects_.erase(it);
  indexLocked(key, *previous, false);
  return previous;
}

ObjectPtr Cache::get(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Cache::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

std::vector<ObjectPtr> Cache::byIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  auto by_name = indexes_.find(index);
  if (by_name == indexes_.end()) return out;
  auto keys = by_name->second.find(value);
  if (keys == by_name->second.end()) return out;
  for (const auto& key : keys->second) out.push_back(objects_.at(key));
  return out;
}

std::size_t Cache::size() const {
  std::shared_lock lock(mutex_);
  return objects_.size();
}

std::vector<std::string> namespaceIndex(const Json& object) {
  return {object.at("metadata").value("namespace", "")};
}

std::vector<std::string> controllerUidIndex(const Json& object) {
  const Json& metadata = object.at("metadata");
  if (!metadata.contains("ownerReferences")) return {};
  for (const auto& owner : metadata["ownerReferences"]) {
    if (owner.value("controller", false)) return {owner.value("uid", "")};
  }
  return {};
}

}  // namespace aviary::kube
