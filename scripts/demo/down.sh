#!/usr/bin/env bash
# `make demo-down`: stops everything `make demo` started, by recorded PID: the load generator, the
# controller, then the local control plane and the data plane's sidecars (e2e/cluster/down.sh). Keeps the
# logs in $AVIARY_DEMO_DIR (/tmp/aviary-demo)/logs.
set -o errexit -o nounset -o pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export AVIARY_CLUSTER_DIR="${AVIARY_DEMO_DIR:-/tmp/aviary-demo}"
# shellcheck source=e2e/lib/common.sh
source "${repo}/e2e/lib/common.sh"

stop_process demo-loadgen 5
stop_process aviary-controller
"${repo}/e2e/cluster/down.sh"
