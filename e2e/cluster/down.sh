#!/usr/bin/env bash
# Stops every process the test bed started, by its recorded PID, and waits for each to exit. Keeps the logs
# (and the rest of $AVIARY_CLUSTER_DIR) for failure dumps; the next up.sh starts from a clean state.
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

pids="${AVIARY_CLUSTER_DIR}/pids"
[[ -d "${pids}" ]] || exit 0

# Data plane first (runner, then the pod processes it started), then the control plane from the top down,
# so nothing keeps writing to a store that is gone.
"${E2E_DIR}/dataplane/runner.sh" stop
for name in prometheus kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  stop_process "${name}"
done
# Anything else recorded (started by a scenario through start_process).
for f in "${pids}"/*; do
  [[ -e "${f}" && "${f}" != *.start && "${f}" != *.uid ]] || continue
  stop_process "$(basename "${f}")"
done
rmdir "${pids}" 2>/dev/null || true
log "test bed stopped; logs kept in ${AVIARY_CLUSTER_DIR}/logs"
