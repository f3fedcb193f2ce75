#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cli/deployment.h"
#include "common/result.h"

// The manual requests: what each command writes into status.requests, and whether it can apply
// now. Pure.
//
// The contract (README "Manual control", api/status.h ManualRequests): a user asks through the
// status subresource with a JSON merge patch of status.requests only, so the spec a GitOps tool
// owns and the rest of the status the controller owns are untouched, and a request another user
// made meanwhile stays. The controller clears each request when it acts on it, and turns a
// request it cannot take into a Warning Event (RequestIgnored). The checks here refuse up front
// what the controller would refuse for certain, so the user learns why at once.
namespace aviary::cli {

enum class Request { kPromoteStep, kPromoteFull, kAbort, kRetry, kPause, kResume };

// "promote", "promote --full", "abort", ...
std::string requestName(Request request);

// The merge patch for the status subresource, {"status":{"requests":{...}}}, or
// FailedPrecondition saying why the request cannot apply to `view` now.
Result<nlohmann::json> requestPatch(Request request, const DeploymentView& view);

// What the command prints once the request is written: "ml/churn: pause requested".
std::string requestedText(Request request, const DeploymentView& view);

}  // namespace aviary::cli
