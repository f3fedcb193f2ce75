#pragma once

#include <string>

#include "common/result.h"
#include "sidecar/loader/artifact_fetcher.h"
#include "sidecar/loader/guarded_load.h"
#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

struct ModelSource {
  std::string uri;
  std::string runtime = "xgboost";
  std::string sha256;  // lower- or upper-case hex; empty skips the check
  FetchOptions fetch;
  LoadLimits limits;  // for the probe load in a child process (guarded_load.h)
};

// Fetches the artifact, checks its SHA-256, then loads it with loadGuarded: a probe load plus
// warm-up prediction in a child process under `limits`, then the same in this process. Only a
// runtime that passed all of this is returned: the caller may serve it at once. Errors carry the
// step that failed.
Result<ModelRuntime::Ptr> loadModel(const ModelSource& source);

}  // namespace aviary::sidecar
