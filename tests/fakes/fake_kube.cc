#include "tests/fakes/fake_kube.h"

#include <algorithm>
#include <utility>

#include "common/time_format.h"
#include "kube/errors.h"
#include "kube/owner.h"
#include "kube/selector.h"

namespace aviary::testing {

using kube::Json;
using kube::ResourceRef;
using kube::WatchEvent;

namespace {

// Everything but metadata and status: a change here is a new generation.
Json specPart(const Json& object) {
  Json out = object;
  out.erase("metadata");
  out.erase("status");
  return out;
}

std::int64_t parseVersion(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (...) {
    return -1;
  }
}

}  // namespace

FakeKube::FakeKube(Clock::Ptr clock)
    : clock_(clock ? std::move(clock) : std::make_shared<SystemClock>()) {}

std::string FakeKube::kindKey(const ResourceRef& ref) { return ref.group + "/" + ref.resource; }

std::string FakeKube::objectKeyIn(const ResourceRef& ref, const std::string& name) {
  return ref.ns.empty() ? name : ref.ns + "/" + name;
}

void FakeKube::failNext(const std::string& verb, Error error) {
  std::lock_guard lock(mutex_);
  failures_[verb].push_back(std::move(error));
}

std::optional<Error> FakeKube::takeFailure(const std::string& verb) {
  auto it = failures_.find(verb);
  if (it == failures_.end() || it->second.empty()) return std::nullopt;
  Error error = it->second.front();
  it->second.erase(it->second.begin());
  return error;
}

std::vector<std::string> FakeKube::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

std::int64_t FakeKube::resourceVersion() const {
  std::lock_guard lock(mutex_);
  return version_;
}

void FakeKube::setStatusKinds(std::set<std::string> kinds) {
  std::lock_guard lock(mutex_);
  status_kinds_ = std::move(kinds);
}

void FakeKube::compact() {
  std::lock_guard lock(mutex_);
  compacted_ = version_;
  history_.clear();
}

void FakeKube::bookmark() {
  std::lock_guard lock(mutex_);
  Json object = {{"metadata", {{"resourceVersion", std::to_string(version_)}}}};
  history_.push_back({"*", version_, WatchEvent{WatchEvent::Type::kBookmark, object}});
  changed_.notify_all();
}

void FakeKube::closeWatches() {
  std::lock_guard lock(mutex_);
  ++watch_generation_;
  changed_.notify_all();
}

int FakeKube::openWatches() const {
  std::lock_guard lock(mutex_);
  return open_watches_;
}

void FakeKube::record(const std::string& kind, WatchEvent::Type type, const Json& object) {
  history_.push_back({kind, version_, WatchEvent{type, object}});
  changed_.notify_all();
}

Result<Json> FakeKube::get(const ResourceRef& ref) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("get")) return fail(*failure);
  auto& objects = objects_[kindKey(ref)];
  auto it = objects.find(objectKeyIn(ref, ref.name));
  if (it == objects.end()) return fail(ErrorCode::kNotFound, ref.describe() + " not found");
  return it->second;
}

Result<kube::ObjectList> FakeKube::list(const ResourceRef& ref, const kube::ListOptions& options) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("list")) return fail(*failure);
  AVIARY_ASSIGN_OR_RETURN(kube::LabelSelector selector,
                          kube::LabelSelector::parse(options.label_selector));
  std::vector<Json> matching;
  for (const auto& [key, object] : objects_[kindKey(ref)]) {
    if (!ref.ns.empty() && object["metadata"].value("namespace", "") != ref.ns) continue;
    if (!selector.matches(object["metadata"].value("labels", Json::object()))) continue;
    AVIARY_ASSIGN_OR_RETURN(bool fields,
                            kube::matchesFieldSelector(options.field_selector, object));
    if (!fields) continue;
    matching.push_back(object);
  }
  kube::ObjectList out;
  out.resource_version = std::to_string(version_);
  std::size_t start = options.continue_token.empty() ? 0 : std::stoul(options.continue_token);
  std::size_t end = matching.size();
  if (options.limit > 0 && start + options.limit < end) {
    end = start + options.limit;
    out.continue_token = std::to_string(end);
  }
  for (std::size_t i = start; i < end; ++i) out.items.push_back(std::move(matching[i]));
  return out;
}

Result<Json> FakeKube::create(const ResourceRef& ref, const Json& input) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("create")) return fail(*failure);
  return createLocked(ref, input);
}

Result<Json> FakeKube::createLocked(const ResourceRef& ref, const Json& input) {
  Json object = input;
  Json& metadata = object["metadata"];
  if (!metadata.contains("name") && metadata.contains("generateName")) {
    metadata["name"] =
        metadata["generateName"].get<std::string>() + std::to_string(uid_counter_ + 1);
  }
  std::string name = metadata.value("name", "");
  if (name.empty()) return fail(ErrorCode::kInvalidArgument, "metadata.name: Required value");
  ResourceRef full = ref;
  if (full.ns.empty()) full.ns = metadata.value("namespace", "");
  if (!full.ns.empty()) metadata["namespace"] = full.ns;
  auto& objects = objects_[kindKey(full)];
  std::string key = objectKeyIn(full, name);
  if (objects.contains(key)) {
    return fail(ErrorCode::kAlreadyExists, full.named(name).describe() + " already exists");
  }
  ++version_;
  metadata["uid"] = "uid-" + std::to_string(++uid_counter_);
  metadata["resourceVersion"] = std::to_string(version_);
  metadata["generation"] = 1;
  metadata["creationTimestamp"] = formatRfc3339(clock_->now());
  metadata.erase("deletionTimestamp");
  if (status_kinds_.contains(ref.resource)) object.erase("status");
  objects[key] = object;
  writes_.push_back("create " + full.named(name).describe());
  record(kindKey(full), WatchEvent::Type::kAdded, object);
  return object;
}

Result<Json> FakeKube::write(const std::string& verb, const ResourceRef& ref, Json desired,
                             bool status_only, bool create_if_missing) {
  auto& objects = objects_[kindKey(ref)];
  std::string key = objectKeyIn(ref, ref.name);
  auto it = objects.find(key);
  if (it == objects.end()) {
    if (!create_if_missing) return fail(ErrorCode::kNotFound, ref.describe() + " not found");
    return createLocked(ref, desired);
  }
  Json& current = it->second;
  std::string sent_version = desired["metadata"].value("resourceVersion", "");
  if (!sent_version.empty() && sent_version != current["metadata"].value("resourceVersion", "")) {
    return fail(ErrorCode::kConflict,
                "Operation cannot be fulfilled on " + ref.describe() +
                    ": the object has been modified; please apply your changes "
                    "to the latest version and try again");
  }
  Json next = current;
  bool has_status_subresource = status_kinds_.contains(ref.resource);
  if (status_only) {
    if (desired.contains("status")) next["status"] = desired["status"];
  } else {
    Json metadata = current["metadata"];
    for (const char* field :
         {"labels", "annotations", "finalizers", "ownerReferences", "managedFields"}) {
      if (desired["metadata"].contains(field)) {
        metadata[field] = desired["metadata"][field];
      } else {
        metadata.erase(field);
      }
    }
    Json status = current.contains("status") ? current["status"] : Json();
    next = desired;
    next["metadata"] = metadata;
    if (has_status_subresource) {
      if (status.is_null()) {
        next.erase("status");
      } else {
        next["status"] = status;
      }
    }
    if (specPart(next) != specPart(current)) {
      next["metadata"]["generation"] = current["metadata"].value("generation", 1) + 1;
    }
  }
  if (next == current) return current;  // a no-op write changes nothing, as on a real server
  ++version_;
  next["metadata"]["resourceVersion"] = std::to_string(version_);
  writes_.push_back(verb + " " + ref.describe());
  if (kube::isBeingDeleted(next) && next["metadata"].value("finalizers", Json::array()).empty()) {
    objects.erase(it);
    record(kindKey(ref), WatchEvent::Type::kDeleted, next);
    return next;
  }
  current = next;
  record(kindKey(ref), WatchEvent::Type::kModified, next);
  return next;
}

Result<Json> FakeKube::update(const ResourceRef& ref, const Json& object) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("update")) return fail(*failure);
  ResourceRef full = ref;
  if (full.ns.empty()) full.ns = object["metadata"].value("namespace", "");
  if (full.name.empty()) full.name = object["metadata"].value("name", "");
  return write("update", full, object, false, false);
}

Result<Json> FakeKube::updateStatus(const ResourceRef& ref, const Json& object) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("updateStatus")) return fail(*failure);
  ResourceRef full = ref;
  if (full.ns.empty()) full.ns = object["metadata"].value("namespace", "");
  if (full.name.empty()) full.name = object["metadata"].value("name", "");
  if (!status_kinds_.contains(ref.resource)) {
    return fail(ErrorCode::kNotFound, ref.resource + " has no status subresource");
  }
  return write("updateStatus", full, object, true, false);
}

Result<Json> FakeKube::patch(const ResourceRef& ref, kube::PatchType type, const Json& patch,
                             const kube::PatchOptions&) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("patch")) return fail(*failure);
  auto& objects = objects_[kindKey(ref)];
  auto it = objects.find(objectKeyIn(ref, ref.name));
  bool apply = type == kube::PatchType::kApply;
  if (it == objects.end()) {
    if (!apply) return fail(ErrorCode::kNotFound, ref.describe() + " not found");
    return createLocked(ref.named(""), patch);
  }
  Json merged = it->second;
  merged.merge_patch(patch);
  if (!patch.contains("metadata") || !patch["metadata"].contains("resourceVersion")) {
    merged["metadata"]["resourceVersion"] = it->second["metadata"]["resourceVersion"];
  }
  return write(apply ? "apply" : "patch", ref, merged, false, false);
}

Result<Json> FakeKube::patchStatus(const ResourceRef& ref, kube::PatchType type, const Json& patch,
                                   const kube::PatchOptions&) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("patchStatus")) return fail(*failure);
  if (!status_kinds_.contains(ref.resource)) {
    return fail(ErrorCode::kNotFound, ref.resource + " has no status subresource");
  }
  auto& objects = objects_[kindKey(ref)];
  auto it = objects.find(objectKeyIn(ref, ref.name));
  if (it == objects.end()) return fail(ErrorCode::kNotFound, ref.describe() + " not found");
  Json merged = it->second;
  merged.merge_patch(patch);
  if (!patch.contains("metadata") || !patch["metadata"].contains("resourceVersion")) {
    merged["metadata"]["resourceVersion"] = it->second["metadata"]["resourceVersion"];
  }
  return write(type == kube::PatchType::kApply ? "applyStatus" : "patchStatus", ref, merged, true,
               false);
}

Status FakeKube::remove(const ResourceRef& ref, const kube::DeleteOptions& options) {
  std::lock_guard lock(mutex_);
  if (auto failure = takeFailure("remove")) return fail(*failure);
  auto& objects = objects_[kindKey(ref)];
  auto it = objects.find(objectKeyIn(ref, ref.name));
  if (it == objects.end()) return fail(ErrorCode::kNotFound, ref.describe() + " not found");
  Json& object = it->second;
  if (!options.precondition_uid.empty() &&
      object["metadata"].value("uid", "") != options.precondition_uid) {
    return fail(ErrorCode::kConflict, "precondition failed: uid mismatch for " + ref.describe());
  }
  writes_.push_back("remove " + ref.describe());
  ++version_;
  object["metadata"]["resourceVersion"] = std::to_string(version_);
  if (!object["metadata"].value("finalizers", Json::array()).empty()) {
    if (!kube::isBeingDeleted(object)) {
      object["metadata"]["deletionTimestamp"] = formatRfc3339(clock_->now());
      record(kindKey(ref), WatchEvent::Type::kModified, object);
    }
    return {};
  }
  Json last = object;
  objects.erase(it);
  record(kindKey(ref), WatchEvent::Type::kDeleted, last);
  return {};
}

Status FakeKube::watch(const ResourceRef& ref, const kube::WatchOptions& options,
                       const kube::WatchHandler& on_event, std::stop_token stop) {
  // Registered before taking the lock: when stop is already requested the callback runs right here.
  std::stop_callback wake(stop, [this] {
    std::lock_guard guard(mutex_);
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  if (auto failure = takeFailure("watch")) return fail(*failure);
  AVIARY_ASSIGN_OR_RETURN(kube::LabelSelector selector,
                          kube::LabelSelector::parse(options.label_selector));
  std::string kind = kindKey(ref);
  auto matches = [&](const Json& object) {
    if (!ref.ns.empty() && object["metadata"].value("namespace", "") != ref.ns) return false;
    if (!selector.matches(object["metadata"].value("labels", Json::object()))) return false;
    auto fields = kube::matchesFieldSelector(options.field_selector, object);
    return fields.has_value() && *fields;
  };
  std::int64_t from = parseVersion(options.resource_version);
  std::vector<WatchEvent> pending;
  if (from <= 0) {
    // No version: the current state as ADDED events, then changes.
    for (const auto& [key, object] : objects_[kind]) {
      if (matches(object)) pending.push_back({WatchEvent::Type::kAdded, object});
    }
    from = version_;
  } else if (from < compacted_) {
    return fail(ErrorCode::kGone, "too old resource version: " + options.resource_version);
  }
  std::size_t next = 0;
  while (next < history_.size() && history_[next].version <= from &&
         history_[next].event.type != WatchEvent::Type::kBookmark) {
    ++next;
  }
  while (next < history_.size() && history_[next].version <= from) ++next;
  int generation = watch_generation_;
  ++open_watches_;
  Status result;
  while (true) {
    next = std::min(next, history_.size());  // compact() may have dropped history
    for (; next < history_.size(); ++next) {
      const Change& change = history_[next];
      if (change.event.type == WatchEvent::Type::kBookmark) {
        if (options.allow_bookmarks) pending.push_back(change.event);
        continue;
      }
      if (change.kind == kind && matches(change.event.object)) pending.push_back(change.event);
    }
    if (!pending.empty()) {
      std::vector<WatchEvent> batch = std::move(pending);
      pending.clear();
      lock.unlock();
      bool keep_going = true;
      for (const auto& event : batch) {
        if (!(keep_going = on_event(event))) break;
      }
      lock.lock();
      if (!keep_going) break;
      continue;
    }
    if (stop.stop_requested()) {
      result = fail(ErrorCode::kCancelled, "watch cancelled");
      break;
    }
    if (generation != watch_generation_) break;
    changed_.wait(lock);
  }
  --open_watches_;
  return result;
}

}  // namespace aviary::testing
