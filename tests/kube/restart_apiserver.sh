#!/usr/bin/env bash
# Restarts the kube-apiserver of the local test bed in place (same flags, same etcd, so objects and
# resourceVersions survive), for the integration test of watches across a restart. Usage:
#   AVIARY_TEST_RESTART_APISERVER="tests/kube/restart_apiserver.sh /tmp/aviary-cluster"
set -o errexit -o nounset -o pipefail
# shellcheck source=e2e/lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/e2e/lib/common.sh"
dir="${1:-${AVIARY_CLUSTER_DIR:-/tmp/aviary-cluster}}"
pid="$(cat "${dir}/pids/kube-apiserver")"
mapfile -d '' args <"/proc/${pid}/cmdline"
kill "${pid}"
# A graceful shutdown drains requests for a while; wait for the port to be free before restarting.
for _ in $(seq 600); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
kill -9 "${pid}" 2>/dev/null || true
while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
nohup "${args[@]}" >>"${dir}/logs/kube-apiserver.log" 2>&1 &
echo $! >"${dir}/pids/kube-apiserver"
# down.sh stops a recorded PID only while its start time matches: record the new one's.
proc_start_time $! >"${dir}/pids/kube-apiserver.start"
