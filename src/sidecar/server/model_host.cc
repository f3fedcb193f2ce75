#include "sidecar/server/model_host.h"

namespace aviary::sidecar {

std::string_view modelStateName(ModelState state) {
  switch (state) {
    case ModelState::kLoading:
      return "LOADING";
    case ModelState::kReady:
      return "READY";
    case ModelState::kFailed:
      return "FAILED";
  }
  return "UNKNOWN";
}

std::string ModelHost::reason() const {
  std::lock_guard lock(mu_);
  return state() == ModelState::kReady ? std::string() : reason_;
}

void ModelHost::setReady(ModelRuntime::Ptr runtime) {
  std::lock_guard lock(mu_);
  if (state() != ModelState::kLoading) return;
  runtime_ = std::move(runtime);
  state_.store(ModelState::kReady, std::memory_order_release);
}

void ModelHost::setFailed(std::string reason) {
  std::lock_guard lock(mu_);
  if (state() != ModelState::kLoading) return;
  reason_ = std::move(reason);
  state_.store(ModelState::kFailed, std::memory_order_release);
}

}  // namespace aviary::sidecar
