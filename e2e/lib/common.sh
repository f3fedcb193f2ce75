# Shared helpers of the e2e scripts. Sourced, not run.
# shellcheck shell=bash

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "${E2E_DIR}/.." && pwd)"
# shellcheck source=e2e/versions.env
source "${E2E_DIR}/versions.env"

AVIARY_CLUSTER_DIR="${AVIARY_CLUSTER_DIR:-/tmp/aviary-cluster}"
AVIARY_BIN_CACHE="${AVIARY_BIN_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/aviary}"
export AVIARY_CLUSTER_DIR AVIARY_BIN_CACHE

log() { printf '%s [e2e] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

cache_dir() { echo "${AVIARY_BIN_CACHE}/$1/$2"; }

# The binaries of the test bed, from the cache (see build-binaries.sh).
bin_path() {
  case "$1" in
  kube-apiserver | kube-controller-manager | kubectl) echo "$(cache_dir kubernetes "${K8S_VERSION}")/$1" ;;
  etcd) echo "$(cache_dir etcd "${ETCD_VERSION}")/etcd" ;;
  kwok) echo "$(cache_dir kwok "${KWOK_VERSION}")/kwok" ;;
  helm) echo "$(cache_dir helm "${HELM_VERSION}")/helm" ;;
  *) die "unknown binary $1" ;;
  esac
}

# Prints a line every 30 s while PID runs, so a long cold build shows it is alive; returns PID's status.
progress_while() {
  local pid="$1" what="$2" waited=0
  while kill -0 "${pid}" 2>/dev/null; do
    sleep 5
    waited=$((waited + 5))
    if ((waited % 30 == 0)); then log "${what}: still building (${waited}s)"; fi
  done
  wait "${pid}"
}

# A free TCP port on 127.0.0.1, not among those this test bed already handed out.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (echo >/dev/tcp/127.0.0.1/"${port}") 2>/dev/null &&
      ! grep -qx "${port}" "${AVIARY_CLUSTER_DIR}/ports" 2>/dev/null; then
      echo "${port}" >>"${AVIARY_CLUSTER_DIR}/ports"
      echo "${port}"
      return
    fi
  done
  die "no free port found"
}

# Runs kubectl against the test bed.
kc() { "$(bin_path kubectl)" --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" "$@"; }

# wait_until TIMEOUT_S DESCRIPTION COMMAND...: retries COMMAND every second until it succeeds.
wait_until() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for ${what}"
      return 1
    fi
    sleep 1
  done
}
