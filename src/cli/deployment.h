#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/spec.h"
#include "api/status.h"
#include "common/clock.h"

// What the views show of a ModelDeployment and its Events, read from the API's JSON. Pure.
namespace aviary::cli {

struct DeploymentView {
  std::string name;
  std::string ns;
  std::optional<Timestamp> created;
  std::int64_t generation = 0;
  std::string resource_version;
  api::ModelDeploymentSpec spec;  // as far as it reads, with the default steps filled in
  api::ModelDeploymentStatus status;
  bool has_status = false;
  std::string status_problem;  // why the status could not be read, when it could not

  // The controller has seen the current spec (status.observedGeneration >= generation).
  bool observed() const { return has_status && status.observed_generation >= generation; }
  // A canary is under way (steps, shadow or pauses): the requests that steer steps apply.
  bool rolling() const;
  const api::Condition* condition(const std::string& type) const;
};

// Reads a ModelDeployment object as the API serves it. Never fails: what does not read stays at
// its default, and a status that does not read is named in status_problem.
DeploymentView deploymentView(const nlohmann::json& object);

// One core/v1 Event about the object.
struct EventLine {
  Timestamp at{};
  std::string type;  // Normal, Warning
  std::string reason;
  std::string message;
  int count = 1;
};

// The Events of a v1 EventList (oldest first, by last time seen).
std::vector<EventLine> eventLines(const nlohmann::json& list);

}  // namespace aviary::cli
