#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "common/clock.h"
#include "kube/backoff.h"
#include "kube/cache.h"
#include "kube/client.h"

namespace aviary::kube {

class WorkQueue;

// Callbacks for changes seen by an informer. Any may be empty. on_update also fires on resync with
// the same object twice.
struct EventHandler {
  std::function<void(const ObjectPtr& object)> on_add;
  std::function<void(const ObjectPtr& old_object, const ObjectPtr& new_object)> on_update;
  std::function<void(const ObjectPtr& last_known)> on_delete;
};

struct InformerOptions {
  std::string label_selector;
  std::string field_selector;
  // Every period, on_update(object, object) for every cached object; 0 turns resync off.
  std::chrono::milliseconds resync_period{0};
  std::int64_t page_size = 500;
  // Waits between failed lists or watches (client-go's reflector: 800 ms doubling to 30 s), each
  // stretched by a random factor in [1, 2) so many informers do not retry in step; the backoff
  // starts over once `backoff_reset` has passed without a failure.
  BackoffPolicy backoff{std::chrono::milliseconds{800}, std::chrono::seconds{30}, 2.0};
  std::chrono::milliseconds backoff_reset{std::chrono::minutes{2}};
  // Each watch asks the server to end it after a random time in [watch_timeout, 2 × watch_timeout)
  // (client-go: [5, 10) minutes), so the watches of many informers do not all restart together.
  std::chrono::seconds watch_timeout{std::chrono::minutes{5}};
  // Drop metadata.managedFields before caching: it is often the largest part of an object and no
  // controller logic reads it (client-go users do the same with a transform).
  bool strip_managed_fields = true;
};

// Keeps a Cache of one resource in step with the API server, as client-go's shared informer does.
//
// Contract: run() lists (paged), replaces the cache, then watches from the list's resourceVersion
// with bookmarks; a watch that ends is resumed from the last version seen (event or bookmark); a
// 410 Gone relists; other failures back off and retry until stop. After a relist, objects that
// vanished are reported deleted and changed ones updated. Handlers are called one at a time, never
// concurrently, after the cache already holds the change.
class Informer {
 public:
  using Ptr = std::shared_ptr<Informer>;

  Informer(KubeClient::Ptr client, ResourceRef resource, InformerOptions options = {});

  // Handlers added after run() starts first get on_add for every object already cached.
  void addHandler(EventHandler handler);
  std::shared_ptr<const Cache> cache() const { return cache_; }
  // Indexes must be added before run().
  void addIndex(const std::string& name, IndexFunc index) {
    cache_->addIndex(name, std::move(index));
  }

  // Blocks until `stop` is requested.
  void run(std::stop_token stop);

  bool hasSynced() const { return synced_.load(); }
  // Waits until the first list is in the cache; false on stop or timeout.
  bool waitForSync(std::stop_token stop, std::chrono::milliseconds timeout) const;

  // Counters, for observability and tests.
  int listCount() const { return lists_.load(); }
  int watchCount() const { return watches_.load(); }
  std::string lastResourceVersion() const;

 private:
  Status relist(std::stop_token stop);
  bool onWatchEvent(const WatchEvent& event);
  void resyncLoop(std::stop_token stop);
  ObjectPtr prepare(Json object) const;
  void setResourceVersion(std::string version);

  KubeClient::Ptr client_;
  ResourceRef resource_;
  InformerOptions options_;
  std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
  std::mutex dispatch_mutex_;  // serialises handler calls and handler registration
  std::vector<EventHandler> handlers_;
  mutable std::mutex state_mutex_;
  mutable std::condition_variable_any synced_changed_;
  std::string resource_version_;
  std::atomic<bool> synced_{false};
  std::atomic<int> lists_{0};
  std::atomic<int> watches_{0};
};

// A handler that queues the key of every added, updated or deleted object.
EventHandler enqueueKeys(WorkQueue& queue);

// A handler for objects a controller owns (Deployments, Services): queues "namespace/name" of the
// object's controller ownerReference when that owner is of `owner_kind` (e.g. "ModelDeployment"),
// so a change to an owned object wakes its owner's reconcile. On update both the old and the new
// owner are queued (the reference may have moved); objects without such an owner are ignored.
EventHandler enqueueOwner(WorkQueue& queue, const std::string& owner_kind);

}  // namespace aviary::kube
