#pragma once

#include <string>
#include <vector>

namespace aviary::api {

// One problem with a ModelDeployment, located by its JSON path as users write it, e.g.
// {"spec.strategy.steps[2].setWeight", "must be 0..100, got 140"}.
struct FieldError {
  std::string path;
  std::string message;

  std::string toString() const { return path + ": " + message; }
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// "a: x; b: y" — the form used in the InvalidSpec condition message.
std::string joinFieldErrors(const std::vector<FieldError>& errors);

}  // namespace aviary::api
