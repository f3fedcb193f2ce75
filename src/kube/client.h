#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.h"
#include "kube/errors.h"
#include "kube/resource.h"

namespace aviary::kube {

using Json = nlohmann::json;

// The field manager aviary writes under (server-side apply ownership, managedFields).
inline constexpr const char* kFieldManager = "aviary";

struct ListOptions {
  std::string label_selector;  // "app=churn,tier!=db"
  std::string field_selector;  // "metadata.name=churn"
  std::int64_t limit = 0;      // 0: no paging; else at most `limit` items and a continue token
  std::string continue_token;
  std::string resource_version;  // "" = most recent (quorum read)
};

struct ObjectList {
  std::vector<Json> items;
  std::string resource_version;  // of the list, to start a watch from
  std::string continue_token;    // "" on the last page
};

enum class PatchType {
  kMerge,  // RFC 7386 JSON merge patch (application/merge-patch+json)
  kApply,  // server-side apply (application/apply-patch+yaml), field manager "aviary"
};

struct PatchOptions {
  // Server-side apply only: take ownership of fields another manager owns. aviary forces on
  // objects it generates itself; it never forces on objects users or GitOps tools own.
  bool force = false;
};

struct DeleteOptions {
  std::string propagation_policy;  // "", "Foreground", "Background", "Orphan"
  std::string precondition_uid;    // delete only this incarnation of the name
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // start after this version (from a list or the last event)
  bool allow_bookmarks = true;
  // The server ends the watch after this long; callers rewatch from the last version seen.
  std::chrono::seconds timeout{std::chrono::minutes{5}};
};

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark };
  Type type;
  Json object;  // for a bookmark only metadata.resourceVersion is meaningful
};

// Returns false to end the watch.
using WatchHandler = std::function<bool(const WatchEvent& event)>;

// Reads and writes Kubernetes objects as JSON.
//
// Contract, for every implementation:
// - `ref` names the object (get/update/patch/remove) or the collection (list/create/watch; for
//   create, the name comes from the object's metadata). Objects are full JSON as the API serves
//   them.
// - Failures are Errors with common/result.h codes, mapped from the server's answer as
//   kube/errors.h describes: NotFound; AlreadyExists; Conflict (an update with a stale
//   metadata.resourceVersion); Gone (relist); PermissionDenied; InvalidArgument;
//   ResourceExhausted (429); Unavailable; DeadlineExceeded; Cancelled (stopped).
// - update and updateStatus are optimistic: the object's metadata.resourceVersion must be current.
//   update ignores status; updateStatus and patchStatus change only status (the status
//   subresource).
// - watch blocks, delivering events in order, until the server ends the stream (success; rewatch
//   from the last resourceVersion), `stop` is requested (Cancelled), the handler returns false
//   (success), or the version is too old (Gone: relist). It does not reconnect by itself.
// - Thread-safe; every call has a timeout.
class KubeClient {
 public:
  using Ptr = std::shared_ptr<KubeClient>;
  virtual ~KubeClient() = default;

  virtual Result<Json> get(const ResourceRef& ref) = 0;
  virtual Result<ObjectList> list(const ResourceRef& ref, const ListOptions& options = {}) = 0;
  virtual Result<Json> create(const ResourceRef& ref, const Json& object) = 0;
  virtual Result<Json> update(const ResourceRef& ref, const Json& object) = 0;
  virtual Result<Json> updateStatus(const ResourceRef& ref, const Json& object) = 0;
  virtual Result<Json> patch(const ResourceRef& ref, PatchType type, const Json& patch,
                             const PatchOptions& options = {}) = 0;
  virtual Result<Json> patchStatus(const ResourceRef& ref, PatchType type, const Json& patch,
                                   const PatchOptions& options = {}) = 0;
  virtual Status remove(const ResourceRef& ref, const DeleteOptions& options = {}) = 0;
  virtual Status watch(const ResourceRef& ref, const WatchOptions& options,
                       const WatchHandler& on_event, std::stop_token stop) = 0;
};

// Lists every page of `ref` (following continue tokens, `page_size` items a request).
Result<ObjectList> listAll(KubeClient& client, const ResourceRef& ref, ListOptions options,
                           std::int64_t page_size = 500);

// "namespace/name", or "name" for cluster-scoped objects: the key of caches and work queues.
std::string objectKey(const Json& object);
// The ref of `object` within the kind `kind` (namespace and name taken from its metadata).
ResourceRef refOf(const ResourceRef& kind, const Json& object);

}  // namespace aviary::kube
