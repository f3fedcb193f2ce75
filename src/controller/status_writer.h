#pragma once

#include "api/status.h"
#include "common/result.h"
#include "kube/client.h"

// The one way the controller writes a ModelDeployment's status.
namespace aviary::controller {

enum class StatusWrite { kUnchanged, kWritten };

// Writes `status` onto `md` (the object as read) when it differs from what `md` carries, with a
// PUT of the status subresource carrying md's resourceVersion. A full PUT, not a patch: decide()
// consumes status.requests by clearing them, and only a replacement clears a field. The
// resourceVersion makes it optimistic: if anyone (kubectl-aviary asking for a promote) wrote
// since the read, this is Conflict and the caller must read again and decide again, never resend
// this status (that would drop their request).
Result<StatusWrite> writeStatus(kube::KubeClient& kube, const kube::Json& md,
                                const api::ModelDeploymentStatus& status);

}  // namespace aviary::controller
