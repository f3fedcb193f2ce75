#include "kube/informer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <thread>
#include <unordered_set>
#include <utility>

#include "kube/errors.h"
#include "kube/stoppable_sleep.h"
#include "kube/workqueue.h"

namespace aviary::kube {

namespace {

double randomFactor() {
  thread_local std::mt19937 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(1.0, 2.0)(random);
}

// `delay` × [1, 2).
std::chrono::milliseconds jittered(std::chrono::milliseconds delay) {
  return std::chrono::milliseconds{static_cast<long>(delay.count() * randomFactor())};
}

// [timeout, 2 × timeout), whole seconds (the API's timeoutSeconds).
std::chrono::seconds randomWatchTimeout(std::chrono::seconds timeout) {
  const auto seconds = static_cast<long>(timeout.count() * randomFactor());
  return std::chrono::seconds{std::clamp(seconds, static_cast<long>(timeout.count()),
                                         std::max<long>(timeout.count(), 2 * timeout.count() - 1))};
}

}  // namespace

Informer::Informer(KubeClient::Ptr client, ResourceRef resource, InformerOptions options)
    : client_(std::move(client)), resource_(std::move(resource)), options_(std::move(options)) {}

void Informer::addHandler(EventHandler handler) {
  std::lock_guard lock(dispatch_mutex_);
  if (handler.on_add) {
    for (const auto& object : cache_->list()) handler.on_add(object);
  }
  handlers_.push_back(std::move(handler));
}

std::string Informer::lastResourceVersion() const {
  std::lock_guard lock(state_mutex_);
  return resource_version_;
}

void Informer::setResourceVersion(std::string version) {
  std::lock_guard lock(state_mutex_);
  resource_version_ = std::move(version);
}

bool Informer::waitForSync(std::stop_token stop, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_mutex_);
  return synced_changed_.wait_for(lock, stop, timeout, [&] { return synced_.load(); });
}

ObjectPtr Informer::prepare(Json object) const {
  if (options_.strip_managed_fields && object.contains("metadata")) {
    object["metadata"].erase("managedFields");
  }
  return std::make_shared<const Json>(std::move(object));
}

Status Informer::relist(std::stop_token stop) {
  ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  list_options.field_selector = options_.field_selector;
  ++lists_;
  AVIARY_ASSIGN_OR_RETURN(ObjectList list,
                          listAll(*client_, resource_, list_options, options_.page_size));
  if (stop.stop_requested()) return fail(ErrorCode::kCancelled, "stopped");
  std::lock_guard lock(dispatch_mutex_);
  // Objects gone from the list leave the cache before the listed ones are stored, so a reader
  // that sees an object added by this relist also sees the deletions that came before it.
  std::vector<ObjectPtr> listed;
  std::unordered_set<std::string> seen;
  listed.reserve(list.items.size());
  for (auto& item : list.items) {
    listed.push_back(prepare(std::move(item)));
    seen.insert(objectKey(*listed.back()));
  }
  for (const auto& object : cache_->list()) {
    std::string key = objectKey(*object);
    if (seen.contains(key)) continue;
    cache_->erase(key);
    for (const auto& handler : handlers_) {
      if (handler.on_delete) handler.on_delete(object);
    }
  }
  for (const ObjectPtr& object : listed) {
    ObjectPtr previous = cache_->upsert(object);
    for (const auto& handler : handlers_) {
      if (!previous && handler.on_add) handler.on_add(object);
      if (previous && handler.on_update) handler.on_update(previous, object);
    }
  }
  setResourceVersion(list.resource_version);
  {
    std::lock_guard state(state_mutex_);
    synced_ = true;
  }
  synced_changed_.notify_all();
  return {};
}

bool Informer::onWatchEvent(const WatchEvent& event) {
  std::string version;
  if (event.object.contains("metadata")) {
    version = event.object["metadata"].value("resourceVersion", "");
  }
  if (event.type == WatchEvent::Type::kBookmark) {
    if (!version.empty()) setResourceVersion(version);
    return true;
  }
  ObjectPtr object = prepare(event.object);
  std::lock_guard lock(dispatch_mutex_);
  if (event.type == WatchEvent::Type::kDeleted) {
    ObjectPtr previous = cache_->erase(objectKey(*object));
    for (const auto& handler : handlers_) {
      if (handler.on_delete) handler.on_delete(previous ? previous : object);
    }
  } else {
    ObjectPtr previous = cache_->upsert(object);
    for (const auto& handler : handlers_) {
      if (!previous && handler.on_add) handler.on_add(object);
      if (previous && handler.on_update) handler.on_update(previous, object);
    }
  }
  if (!version.empty()) setResourceVersion(version);
  return true;
}

void Informer::resyncLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    sleepFor(options_.resync_period, stop);
    if (stop.stop_requested()) return;
    std::lock_guard lock(dispatch_mutex_);
    for (const auto& object : cache_->list()) {
      for (const auto& handler : handlers_) {
        if (handler.on_update) handler.on_update(object, object);
      }
    }
  }
}

void Informer::run(std::stop_token stop) {
  std::jthread resync;
  if (options_.resync_period.count() > 0) {
    resync = std::jthread([this, stop] { resyncLoop(stop); });
  }
  Backoff backoff(options_.backoff);
  auto last_failure = std::chrono::steady_clock::now();
  // The next wait after a failure: backoff that starts over after a quiet spell, with jitter.
  auto failed = [&] {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_failure >= options_.backoff_reset) backoff.reset();
    last_failure = now;
    return jittered(backoff.next());
  };
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      auto listed = relist(stop);
      if (!listed.has_value()) {
        if (stop.stop_requested()) break;
        auto delay = failed();
        spdlog::warn("informer {}: list failed: {}; retrying in {} ms", resource_.describe(),
                     listed.error().message, delay.count());
        sleepFor(delay, stop);
        continue;
      }
      need_list = false;
      backoff.reset();
    }
    WatchOptions watch_options;
    watch_options.label_selector = options_.label_selector;
    watch_options.field_selector = options_.field_selector;
    watch_options.resource_version = lastResourceVersion();
    watch_options.timeout = randomWatchTimeout(options_.watch_timeout);
    ++watches_;
    auto started = std::chrono::steady_clock::now();
    auto watched = client_->watch(
        resource_, watch_options, [this](const WatchEvent& event) { return onWatchEvent(event); },
        stop);
    if (stop.stop_requested()) break;
    if (watched.has_value()) {
      // A server that ends every watch at once must not make this loop spin.
      if (std::chrono::steady_clock::now() - started < std::chrono::seconds{1}) {
        sleepFor(failed(), stop);
      }
      continue;
    }
    if (isGone(watched.error())) {
      spdlog::info("informer {}: resourceVersion {} expired, relisting", resource_.describe(),
                   watch_options.resource_version);
      need_list = true;
      continue;
    }
    if (isTooLargeResourceVersion(watched.error())) {
      // client-go relists from the server's current state rather than retrying a version it has
      // not reached.
      spdlog::info("informer {}: resourceVersion {} too large for the server, relisting",
                   resource_.describe(), watch_options.resource_version);
      need_list = true;
      sleepFor(failed(), stop);
      continue;
    }
    auto delay = failed();
    spdlog::warn("informer {}: watch failed: {}; retrying in {} ms", resource_.describe(),
                 watched.error().message, delay.count());
    sleepFor(delay, stop);
  }
}

namespace {

// "namespace/name" of the controller owner of `object` when it is of `kind`.
std::optional<std::string> controllerOwnerKey(const Json& object, const std::string& kind) {
  if (!object.contains("metadata") || !object["metadata"].is_object()) return std::nullopt;
  const Json& metadata = object["metadata"];
  if (!metadata.contains("ownerReferences") || !metadata["ownerReferences"].is_array()) {
    return std::nullopt;
  }
  for (const Json& reference : metadata["ownerReferences"]) {
    if (!reference.is_object() || !reference.value("controller", false)) continue;
    if (reference.value("kind", "") != kind) return std::nullopt;
    const std::string name = reference.value("name", "");
    if (name.empty()) return std::nullopt;
    // Owner references never cross namespaces: the owner lives beside the object.
    const std::string ns = metadata.value("namespace", "");
    return ns.empty() ? name : ns + "/" + name;
  }
  return std::nullopt;
}

}  // namespace

EventHandler enqueueOwner(WorkQueue& queue, const std::string& owner_kind) {
  auto enqueue = [&queue, owner_kind](const Json& object) {
    if (auto key = controllerOwnerKey(object, owner_kind)) queue.add(*key);
  };
  EventHandler handler;
  handler.on_add = [enqueue](const ObjectPtr& object) { enqueue(*object); };
  handler.on_update = [enqueue](const ObjectPtr& old_object, const ObjectPtr& object) {
    if (old_object) enqueue(*old_object);
    enqueue(*object);
  };
  handler.on_delete = [enqueue](const ObjectPtr& object) { enqueue(*object); };
  return handler;
}

EventHandler enqueueKeys(WorkQueue& queue) {
  EventHandler handler;
  handler.on_add = [&queue](const ObjectPtr& object) { queue.add(objectKey(*object)); };
  handler.on_update = [&queue](const ObjectPtr&, const ObjectPtr& object) {
    queue.add(objectKey(*object));
  };
  handler.on_delete = [&queue](const ObjectPtr& object) { queue.add(objectKey(*object)); };
  return handler;
}

}  // namespace aviary::kube
