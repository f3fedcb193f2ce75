#include "controller/status_writer.h"

#include "api/json.h"
#include "kube/resource.h"

namespace aviary::controller {

Result<StatusWrite> writeStatus(kube::KubeClient& kube, const kube::Json& md,
                                const api::ModelDeploymentStatus& status) {
  const kube::Json desired = api::toJson(status);
  // Compare as written: a status read back equals what was written, to the millisecond or not.
  if (md.contains("status") && md["status"].is_object()) {
    if (auto current = api::statusFromJson(md["status"]);
        current && api::toJson(*current) == desired) {
      return StatusWrite::kUnchanged;
    }
  }
  kube::Json object = md;
  object["status"] = desired;
  auto written = kube.updateStatus(kube::refOf(kube::resources::kModelDeployments, md), object);
  if (!written) return fail(written.error());
  return StatusWrite::kWritten;
}

}  // namespace aviary::controller
