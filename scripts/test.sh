#!/usr/bin/env bash
# The project's test command (`make test`). On a fresh machine it installs what the tests need,
# builds, starts the local control plane (e2e/cluster/up.sh builds or reuses its binaries), runs the
# unit and integration tests against it, then the e2e scenarios, and stops every process it started.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

export AVIARY_CLUSTER_DIR="${AVIARY_CLUSTER_DIR:-/tmp/aviary-cluster}"

make --no-print-directory build

trap 'e2e/cluster/down.sh' EXIT
e2e/cluster/up.sh

# Tests labelled "integration" talk to the API server named by this kubeconfig. The kube client's
# integration test restarts it in place (same etcd) to test watches across a restart; it runs
# alone (RUN_SERIAL).
AVIARY_TEST_KUBECONFIG="${AVIARY_CLUSTER_DIR}/kubeconfig" \
  AVIARY_TEST_RESTART_APISERVER="${PWD}/tests/kube/restart_apiserver.sh ${AVIARY_CLUSTER_DIR}" \
  ctest --test-dir build --output-on-failure -j "$(nproc)"

AVIARY_KEEP_CLUSTER=1 e2e/run.sh
