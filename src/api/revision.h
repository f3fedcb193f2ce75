#pragma once

#include <string>

#include "api/spec.h"

namespace aviary::api {

// The revision of a spec: a stable hash of spec.model and spec.template, and of nothing else, so
// that changing the model or the pods starts a rollout while changing steps, analysis or traffic
// settings does not. 10 lowercase hex digits (a label value, like Kubernetes' pod-template-hash).
// Stable across processes and releases: keys are hashed in sorted order (canonical JSON) with
// FNV-1a.
std::string revisionHash(const ModelDeploymentSpec& spec);

}  // namespace aviary::api
