#include "kube/cache.h"

#include <utility>

namespace aviary::kube {

void Cache::addIndex(const std::string& name, IndexFunc index) {
  std::unique_lock lock(mutex_);
  index_funcs_[name] = std::move(index);
  // Each entry keeps its values in index_funcs_ order, which the new name may have shifted:
  // recompute every entry's values and rebuild the indexes from them.
  indexes_.clear();
  for (const auto& [index_name, func] : index_funcs_) indexes_[index_name];
  for (auto& [key, entry] : objects_) {
    const ObjectPtr object = parse(entry);
    entry.index.clear();
    for (const auto& [index_name, func] : index_funcs_) entry.index.push_back(func(*object));
    indexLocked(key, entry);
  }
}

ObjectPtr Cache::parse(const Entry& entry) {
  return std::make_shared<const Json>(Json::parse(entry.text));
}

void Cache::indexLocked(const std::string& key, const Entry& entry) {
  std::size_t i = 0;
  for (const auto& [name, func] : index_funcs_) {
    auto& index = indexes_[name];
    for (const auto& value : entry.index[i++]) index[value].insert(key);
  }
}

void Cache::unindexLocked(const std::string& key, const Entry& entry) {
  std::size_t i = 0;
  for (const auto& [name, func] : index_funcs_) {
    auto& index = indexes_[name];
    for (const auto& value : entry.index[i++]) {
      if (auto it = index.find(value); it != index.end()) {
        it->second.erase(key);
        if (it->second.empty()) index.erase(it);
      }
    }
  }
}

ObjectPtr Cache::upsert(ObjectPtr object) {
  std::string key = objectKey(*object);
  Entry entry;
  entry.text = object->dump();
  entry.text.shrink_to_fit();
  std::unique_lock lock(mutex_);
  for (const auto& [name, func] : index_funcs_) entry.index.push_back(func(*object));
  ObjectPtr previous;
  auto it = objects_.find(key);
  if (it != objects_.end()) {
    previous = parse(it->second);
    unindexLocked(key, it->second);
    it->second = std::move(entry);
    indexLocked(key, it->second);
  } else {
    auto [inserted, ok] = objects_.emplace(key, std::move(entry));
    indexLocked(key, inserted->second);
  }
  return previous;
}

ObjectPtr Cache::erase(const std::string& key) {
  std::unique_lock lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr previous = parse(it->second);
  unindexLocked(key, it->second);
  objects_.erase(it);
  return previous;
}

ObjectPtr Cache::get(const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : parse(it->second);
}

bool Cache::contains(const std::string& key) const {
  std::shared_lock lock(mutex_);
  return objects_.contains(key);
}

std::vector<ObjectPtr> Cache::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, entry] : objects_) out.push_back(parse(entry));
  return out;
}

std::vector<ObjectPtr> Cache::byIndex(const std::string& index, const std::string& value) const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  auto by_name = indexes_.find(index);
  if (by_name == indexes_.end()) return out;
  auto keys = by_name->second.find(value);
  if (keys == by_name->second.end()) return out;
  for (const auto& key : keys->second) out.push_back(parse(objects_.at(key)));
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
