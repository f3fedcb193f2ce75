#pragma once

#include <atomic>
#include <memory>
#include <stop_token>

#include "common/result.h"
#include "operator/config.h"

namespace aviary::operator_app {

// aviary-controller assembled: API clients, the router and metrics factories, the event
// recorder, the controller, leader election and the /metrics, /healthz, /readyz server.
class OperatorApp {
 public:
  static Result<std::unique_ptr<OperatorApp>> create(const OperatorConfig& config);
  ~OperatorApp();

  // Serves HTTP and runs the controller (while leading, with leader election) until `stop`.
  // Error FailedPrecondition when leadership was lost: a deposed leader must stop writing, and
  // the process exits so that a fresh one campaigns again.
  Status run(std::stop_token stop);

 private:
  struct Parts;
  explicit OperatorApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace aviary::operator_app
