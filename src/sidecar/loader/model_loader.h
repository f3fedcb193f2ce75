#pragma once

#include <string>

#include "common/result.h"
#include "sidecar/loader/artifact_fetcher.h"
#include "sidecar/runtime/model_runtime.h"

namespace aviary::sidecar {

struct ModelSource {
  std::string uri;
  std::string runtime = "xgboost";
  std::string sha256;  // lower- or upper-case hex; empty skips the check
  FetchOptions fetch;
};

// Fetches the artifact, checks its SHA-256, loads it into a new runtime and runs one warm-up
// prediction, which must succeed with finite outputs. Only a runtime that passed all of this is
// returned: the caller may serve it at once. Errors carry the step that failed.
Result<ModelRuntime::Ptr> loadModel(const ModelSource& source);

}  // namespace aviary::sidecar
