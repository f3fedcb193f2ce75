#include "cli/requests.h"

#include <algorithm>

#include "api/names.h"

namespace aviary::cli {
namespace {

using api::Phase;
using nlohmann::json;

json patchOf(json requests) { return {{"status", {{"requests", std::move(requests)}}}}; }

std::string refOf(const DeploymentView& view) { return view.ns + "/" + view.name; }

std::unexpected<Error> refuse(Request request, const DeploymentView& view, const std::string& why) {
  return fail(ErrorCode::kFailedPrecondition,
              requestName(request) + " " + refOf(view) + ": " + why);
}

std::string phaseOf(const DeploymentView& view) {
  return view.has_status ? std::string(api::enumName(view.status.phase)) : "not yet observed";
}

// A request that steers a running rollout needs one.
Status needsRollout(Request request, const DeploymentView& view) {
  if (view.rolling() || (request != Request::kPause && request != Request::kResume &&
                         view.has_status && view.status.phase == Phase::kPromoting)) {
    return {};
  }
  std::string why = "no rollout is running (phase " + phaseOf(view) + ")";
  if (!view.observed() && view.has_status) {
    why += "; the controller has not yet seen generation " + std::to_string(view.generation);
  }
  if (view.has_status && view.status.phase == Phase::kFailed) {
    why += "; retry restarts the failed revision";
  }
  return refuse(request, view, why);
}

// An indefinite pause step waits for a promote, not a resume.
bool atIndefinitePause(const DeploymentView& view) {
  const auto& steps = view.spec.strategy.steps;
  const auto step = static_cast<std::size_t>(std::max(0, view.status.current_step));
  return view.rolling() && !view.status.shadowing && step < steps.size() && steps[step].pause &&
         !steps[step].pause->duration;
}

}  // namespace

std::string requestName(Request request) {
  switch (request) {
    case Request::kPromoteStep:
      return "promote";
    case Request::kPromoteFull:
      return "promote --full";
    case Request::kAbort:
      return "abort";
    case Request::kRetry:
      return "retry";
    case Request::kPause:
      return "pause";
    case Request::kResume:
      return "resume";
  }
  return "";
}

Result<json> requestPatch(Request request, const DeploymentView& view) {
  const auto& status = view.status;
  switch (request) {
    case Request::kPromoteStep:
      if (view.has_status && status.phase == Phase::kPromoting) {
        return refuse(request, view, "it is already promoting");
      }
      AVIARY_RETURN_IF_ERROR(needsRollout(request, view));
      return patchOf({{"promote", "step"}});
    case Request::kPromoteFull:
      if (view.has_status && status.phase == Phase::kPromoting) {
        return refuse(request, view, "it is already promoting");
      }
      AVIARY_RETURN_IF_ERROR(needsRollout(request, view));
      return patchOf({{"promote", "full"}});
    case Request::kAbort:
      AVIARY_RETURN_IF_ERROR(needsRollout(request, view));
      return patchOf({{"abort", true}});
    case Request::kRetry:
      if (!view.has_status || status.phase != Phase::kFailed) {
        return refuse(request, view,
                      "only a failed rollout can be retried (phase " + phaseOf(view) + ")");
      }
      return patchOf({{"retry", true}});
    case Request::kPause:
      AVIARY_RETURN_IF_ERROR(needsRollout(request, view));
      if (status.paused_by_user) {
        // A resume asked for but not yet taken is withdrawn instead.
        if (status.requests.paused == false) return patchOf({{"paused", nullptr}});
        return refuse(request, view, "it is already paused by request");
      }
      return patchOf({{"paused", true}});
    case Request::kResume:
      AVIARY_RETURN_IF_ERROR(needsRollout(request, view));
      if (!status.paused_by_user) {
        // A pause asked for but not yet taken is withdrawn instead.
        if (status.requests.paused == true) return patchOf({{"paused", nullptr}});
        if (atIndefinitePause(view)) {
          return refuse(request, view,
                        "it waits at an indefinite pause step, which promote ends, not resume");
        }
        return refuse(request, view, "it is not paused by request");
      }
      return patchOf({{"paused", false}});
  }
  return fail(ErrorCode::kInternal, "unknown request");
}

std::string requestedText(Request request, const DeploymentView& view) {
  return "modeldeployment.aviary.dev/" + view.name + " (namespace " + view.ns +
         "): " + requestName(request) + " requested";
}

}  // namespace aviary::cli
