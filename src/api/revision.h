#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/spec.h"

namespace aviary::api {

// The revision of a spec: a stable hash of spec.model and spec.template, and of nothing else, so
// that changing the model or the pods starts a rollout while changing steps, analysis or traffic
// settings does not. Of spec.model.provenance only dataset.sha256 and codeCommit count (what the
// artifact was made from); its other fields are metadata and never start a rollout. 10 lowercase
// hex digits (a label value, like Kubernetes' pod-template-hash). Stable across processes and
// releases: keys are hashed in sorted order (canonical JSON) with FNV-1a.
//
// `runtime` is what the controller adds to every pod beside the spec (the sidecar's image,
// resources and arguments). When given (not null) it is part of the revision, so a controller
// upgrade that brings a new sidecar rolls it out through the canary like a new model, instead of
// re-templating the stable in place.
std::string revisionHash(const ModelDeploymentSpec& spec,
                         const nlohmann::json& runtime = nlohmann::json());

}  // namespace aviary::api
