#include "kube/informer.h"

#include <spdlog/spdlog.h>

#include <thread>
#include <unordered_set>
#include <utility>

#include "kube/stoppable_sleep.h"
#include "kube/workqueue.h"

namespace aviary::kube {

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
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      auto listed = relist(stop);
      if (!listed.has_value()) {
        if (stop.stop_requested()) break;
        auto delay = backoff.next();
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
    watch_options.timeout = options_.watch_timeout;
    ++watches_;
    auto started = std::chrono::steady_clock::now();
    auto watched = client_->watch(
        resource_, watch_options, [this](const WatchEvent& event) { return onWatchEvent(event); },
        stop);
    if (stop.stop_requested()) break;
    if (watched.has_value()) {
      // A server that ends every watch at once must not make this loop spin.
      if (std::chrono::steady_clock::now() - started < std::chrono::seconds{1}) {
        sleepFor(backoff.next(), stop);
      } else {
        backoff.reset();
      }
      continue;
    }
    if (isGone(watched.error())) {
      spdlog::info("informer {}: resourceVersion {} expired, relisting", resource_.describe(),
                   watch_options.resource_version);
      need_list = true;
      continue;
    }
    auto delay = backoff.next();
    spdlog::warn("informer {}: watch failed: {}; retrying in {} ms", resource_.describe(),
                 watched.error().message, delay.count());
    sleepFor(delay, stop);
  }
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
