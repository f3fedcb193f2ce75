#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "api/field_error.h"
#include "api/spec.h"
#include "api/status.h"
#include "common/result.h"

// JSON round trip of the ModelDeployment spec and status, with the CRD's camelCase names.
namespace aviary::api {

// A spec read as far as its JSON allows: absent fields keep their defaults (spec.h), and every type
// or enum problem is listed in `errors` with its path. Semantic checks are validate()'s.
struct ParsedSpec {
  ModelDeploymentSpec spec;
  std::vector<FieldError> errors;
};
ParsedSpec parseSpec(const nlohmann::json& spec);

// parseSpec, applyDefaults and validate together; every problem in one InvalidSpec error.
Result<ModelDeploymentSpec> specFromJson(const nlohmann::json& spec);
nlohmann::json toJson(const ModelDeploymentSpec& spec);

// The status is written by aviary, but `requests` comes from users: malformed fields are reported
// (Error code "InvalidStatus") rather than guessed.
Result<ModelDeploymentStatus> statusFromJson(const nlohmann::json& status);
nlohmann::json toJson(const ModelDeploymentStatus& status);

}  // namespace aviary::api
