#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "kube/client.h"

namespace aviary::testing {

// An in-memory API server behind the KubeClient interface (implements kube::KubeClient), for
// controller tests.
//
// What it keeps of the real one: a cluster-wide resourceVersion bumped by every write; uid,
// creationTimestamp and generation (bumped when anything outside metadata and status changes);
// 409 Conflict on update with a stale resourceVersion (and on a merge patch carrying one);
// NotFound / AlreadyExists; status as a subresource for the kinds in statusKinds(); deletion
// that waits for finalizers (deletionTimestamp, then gone when the last one is removed); label and
// field selectors; list paging; watches that replay history after a resourceVersion, with
// bookmarks on request and Gone after compact(). Server-side apply is approximated as a merge
// patch that creates when absent (no field ownership).
class FakeKube final : public kube::KubeClient {
 public:
  explicit FakeKube(Clock::Ptr clock = nullptr);

  Result<kube::Json> get(const kube::ResourceRef& ref) override;
  Result<kube::ObjectList> list(const kube::ResourceRef& ref,
                                const kube::ListOptions& options = {}) override;
  Result<kube::Json> create(const kube::ResourceRef& ref, const kube::Json& object) override;
  Result<kube::Json> update(const kube::ResourceRef& ref, const kube::Json& object) override;
  Result<kube::Json> updateStatus(const kube::ResourceRef& ref, const kube::Json& object) override;
  Result<kube::Json> patch(const kube::ResourceRef& ref, kube::PatchType type,
                           const kube::Json& patch,
                           const kube::PatchOptions& options = {}) override;
  Result<kube::Json> patchStatus(const kube::ResourceRef& ref, kube::PatchType type,
                                 const kube::Json& patch,
                                 const kube::PatchOptions& options = {}) override;
  Status remove(const kube::ResourceRef& ref, const kube::DeleteOptions& options = {}) override;
  Status watch(const kube::ResourceRef& ref, const kube::WatchOptions& options,
               const kube::WatchHandler& on_event, std::stop_token stop) override;

  // The next call of `verb` ("get", "list", "create", "update", "updateStatus", "patch",
  // "patchStatus", "remove", "watch") fails with `error`, once per call to failNext.
  void failNext(const std::string& verb, Error error);
  // Every successful write, as "create configmaps ns/name", "updateStatus ...", in order.
  std::vector<std::string> writes() const;
  std::int64_t resourceVersion() const;
  // Kinds (plural resource names) whose status is a subresource. Default: modeldeployments,
  // deployments, pods, services.
  void setStatusKinds(std::set<std::string> kinds);
  // Forgets watch history: a watch from an older version gets Gone.
  void compact();
  // Sends a BOOKMARK at the current version to every open watch that allows bookmarks.
  void bookmark();
  // Ends every open watch as a server would on timeout (they return success).
  void closeWatches();
  int openWatches() const;

 private:
  struct Change {
    std::string kind;
    std::int64_t version;
    kube::WatchEvent event;
  };

  Result<kube::Json> createLocked(const kube::ResourceRef& ref, const kube::Json& object);
  Result<kube::Json> write(const std::string& verb, const kube::ResourceRef& ref, kube::Json object,
                           bool status_only, bool create_if_missing);
  std::optional<Error> takeFailure(const std::string& verb);
  void record(const std::string& kind, kube::WatchEvent::Type type, const kube::Json& object);
  static std::string kindKey(const kube::ResourceRef& ref);
  static std::string objectKeyIn(const kube::ResourceRef& ref, const std::string& name);

  Clock::Ptr clock_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::map<std::string, kube::Json>> objects_;  // kind -> key -> object
  std::vector<Change> history_;
  std::int64_t version_ = 1;
  std::int64_t compacted_ = 0;
  std::int64_t uid_counter_ = 0;
  int watch_generation_ = 0;
  int open_watches_ = 0;
  std::set<std::string> status_kinds_{"modeldeployments", "deployments", "pods", "services"};
  std::map<std::string, std::vector<Error>> failures_;
  std::vector<std::string> writes_;
};

}  // namespace aviary::testing
