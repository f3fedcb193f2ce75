#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <span>
#include <string_view>

#include "common/result.h"
#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

// What a model load may use in the probe process.
struct LoadLimits {
  // Address space the probe may map beyond what the process had when it forked. A model runtime
  // asked for more sees its allocations fail (std::bad_alloc) instead of exhausting the pod.
  std::size_t memory_bytes = std::size_t{4} << 30;
  // Wall-clock limit for load plus warm-up in the probe; the probe is killed after it.
  std::chrono::milliseconds timeout{120000};
  // Runs first thing in the probe process. For tests and the fuzz target (e.g. to keep a
  // sanitizer from reporting the probe's expected out-of-memory death); production leaves it empty.
  std::function<void()> in_child;
};

// Runs `work` in a forked child process under `limits` and returns its Status. A child that is
// killed (signal, timeout, CPU limit) or exits without answering is an error that says so; the
// calling process is never affected beyond the fork. `work` must not rely on other threads of
// the caller (the child has only the forking thread) and must not log through shared loggers.
Status runInChild(const std::function<Status()>& work, const LoadLimits& limits);

// Loads `artifact` with runtime `runtime` and runs one warm-up prediction, which must succeed
// with finite outputs; only a runtime that passed is returned.
//
// The load happens twice: first in a child process under `limits` (runInChild), then, only if
// that succeeded, in this process. A model file that makes the runtime allocate without bound,
// crash or hang therefore fails with a clear error and leaves this process untouched.
Result<ModelRuntime::Ptr> loadGuarded(std::string_view runtime, std::span<const std::byte> artifact,
                                      const LoadLimits& limits);

}  // namespace aviary::sidecar
