#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

// Who the served model is, as clients and metrics name it.
struct ModelIdentity {
  std::string name;      // served under /v2/models/{name}
  std::string version;   // served under .../versions/{version}; empty: no versioned routes
  std::string revision;  // the `revision` metric label (the rollout's revision)
  std::string runtime;   // "xgboost"
};

enum class ModelState { kLoading, kReady, kFailed };

std::string_view modelStateName(ModelState state);

// The one model of this process and its lifecycle: Loading, then Ready with a runtime that
// passed its warm-up, or Failed with a reason. Ready and Failed are final. Thread-safe; state()
// and runtime() are lock-free so the inference path can call them on every request.
class ModelHost {
 public:
  explicit ModelHost(ModelIdentity identity) : identity_(std::move(identity)) {}

  const ModelIdentity& identity() const { return identity_; }
  ModelState state() const { return state_.load(std::memory_order_acquire); }
  // The runtime once Ready, else null.
  const ModelRuntime* runtime() const {
    return state() == ModelState::kReady ? runtime_.get() : nullptr;
  }
  // Why the model is not ready ("loading", or the load error).
  std::string reason() const;

  void setReady(ModelRuntime::Ptr runtime);
  void setFailed(std::string reason);

 private:
  const ModelIdentity identity_;
  std::atomic<ModelState> state_{ModelState::kLoading};
  ModelRuntime::Ptr runtime_;  // written once, before state_ becomes kReady
  mutable std::mutex mu_;
  std::string reason_ = "loading";
};

}  // namespace aviary::sidecar
