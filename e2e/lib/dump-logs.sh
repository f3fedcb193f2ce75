#!/usr/bin/env bash
# Prints what a failure needs: the state of the cluster's objects and the tail of every process log.
set -o nounset -o pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/common.sh"
lines="${AVIARY_DUMP_LINES:-60}"
echo "===== test bed dump (${AVIARY_CLUSTER_DIR}) ====="
if [[ -s "${AVIARY_CLUSTER_DIR}/kubeconfig" ]]; then
  echo "----- nodes, workloads, pods, ModelDeployments"
  kc get nodes -o wide 2>&1 | head -n 20
  kc get deployments,replicasets,pods,services -A -o wide 2>&1 | grep -v ' kube-system ' | head -n 80
  kc get modeldeployments.aviary.dev -A -o yaml 2>&1 | head -n 200
  echo "----- recent events"
  kc get events -A --sort-by .lastTimestamp 2>&1 | tail -n 40
fi
for f in "${AVIARY_CLUSTER_DIR}"/logs/*.log; do
  [[ -f "${f}" ]] || continue
  echo "----- $(basename "${f}") (last ${lines} lines)"
  tail -n "${lines}" "${f}"
done
echo "===== end of dump ====="
