# Shared helpers of the e2e scripts. Sourced, not run.
# shellcheck shell=bash

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "${E2E_DIR}/.." && pwd)"
export REPO_ROOT
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
  kube-apiserver | kube-controller-manager | kube-scheduler | kubectl) echo "$(cache_dir kubernetes "${K8S_VERSION}")/$1" ;;
  etcd) echo "$(cache_dir etcd "${ETCD_VERSION}")/etcd" ;;
  kwok) echo "$(cache_dir kwok "${KWOK_VERSION}")/kwok" ;;
  helm) echo "$(cache_dir helm "${HELM_VERSION}")/helm" ;;
  argocd-lua) echo "$(cache_dir argocd-lua "${ARGOCD_VERSION}-$(argocd_lua_hash)")/argocd-lua" ;;
  webhook-receiver) echo "$(cache_dir webhook-receiver "$(webhook_receiver_hash)")/webhook-receiver" ;;
  *) die "unknown binary $1" ;;
  esac
}

# The cache key of e2e/tools/argocd-lua's source, so that an edit rebuilds the tool.
argocd_lua_hash() { sha256sum "${E2E_DIR}/tools/argocd-lua/main.go" | cut -c1-12; }
# The same for e2e/tools/webhook-receiver (its source and its go.mod).
webhook_receiver_hash() {
  cat "${E2E_DIR}/tools/webhook-receiver/main.go" "${E2E_DIR}/tools/webhook-receiver/go.mod" | sha256sum | cut -c1-12
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

# A free TCP port on 127.0.0.1, not among those this test bed already handed out. Taken below the kernel's
# ephemeral range, so no outgoing connection (to the API server, a scrape) can hold it between this check
# and the server's bind.
free_port() {
  local port low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
  ((low > 12000)) || low=32768
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (echo >/dev/tcp/127.0.0.1/"${port}") 2>/dev/null &&
      ! grep -qx "${port}" "${AVIARY_CLUSTER_DIR}/ports" 2>/dev/null; then
      echo "${port}" >>"${AVIARY_CLUSTER_DIR}/ports"
      echo "${port}"
      return
    fi
  done
  die "no free port found"
}

# The aviary-sidecar binary the data plane runs: $AVIARY_SIDECAR_BIN when set (and only it), else the first
# one built under build/. Prints nothing when there is none (or $AVIARY_SIDECAR_BIN is not executable).
sidecar_bin() {
  local f candidates=("${REPO_ROOT}/build/src/sidecar/aviary-sidecar" "${REPO_ROOT}/build/aviary-sidecar"
    "${REPO_ROOT}/build/bin/aviary-sidecar")
  [[ -n "${AVIARY_SIDECAR_BIN:-}" ]] && candidates=("${AVIARY_SIDECAR_BIN}")
  for f in "${candidates[@]}"; do
    if [[ -f "${f}" && -x "${f}" ]]; then
      echo "${f}"
      return
    fi
  done
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

# start_process NAME COMMAND...: runs COMMAND in the background, output appended to logs/NAME.log, and records
# its PID in pids/NAME and the kernel's start time of that PID in pids/NAME.start, so that a recycled PID is
# never taken for ours (the start time survives exec, unlike argv[0]).
# fd 9 (up.sh's lock) is closed for the child so that a running test bed does not hold the lock.
start_process() {
  local name="$1"
  shift
  mkdir -p "${AVIARY_CLUSTER_DIR}/pids" "${AVIARY_CLUSTER_DIR}/logs"
  log "starting ${name}"
  nohup "$@" >>"${AVIARY_CLUSTER_DIR}/logs/${name}.log" 2>&1 </dev/null 9>&- &
  local pid=$!
  echo "${pid}" >"${AVIARY_CLUSTER_DIR}/pids/${name}"
  proc_start_time "${pid}" >"${AVIARY_CLUSTER_DIR}/pids/${name}.start" || true
}

# Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces).
proc_start_time() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- ${stat}
  echo "${20}"
}

# process_alive NAME: the recorded process still runs (and is the one that was started).
process_alive() {
  local f="${AVIARY_CLUSTER_DIR}/pids/$1" pid state
  [[ -s "${f}" ]] || return 1
  pid="$(cat "${f}")"
  [[ "$(proc_start_time "${pid}")" == "$(cat "${f}.start" 2>/dev/null)" ]] || return 1
  state="$(cat "/proc/${pid}/stat" 2>/dev/null)" || return 1
  state="${state##*) }"
  [[ "${state:0:1}" != Z ]]
}

process_alive_or_dump() {
  if ! process_alive "$1"; then
    log "$1 is not running; last lines of its log:"
    tail -n 30 "${AVIARY_CLUSTER_DIR}/logs/$1.log" >&2 || true
    return 1
  fi
}

# stop_process NAME [TIMEOUT_S]: SIGTERM to the recorded PID, SIGKILL after TIMEOUT_S (default 20), then
# forgets it. Never signals anything it did not start.
stop_process() {
  local name="$1" timeout="${2:-20}" f pid
  f="${AVIARY_CLUSTER_DIR}/pids/${name}"
  [[ -f "${f}" ]] || return 0
  if process_alive "${name}"; then
    pid="$(cat "${f}")"
    log "stopping ${name} (pid ${pid})"
    kill -TERM "${pid}" 2>/dev/null || true
    local deadline=$((SECONDS + timeout))
    while process_alive "${name}" && ((SECONDS < deadline)); do sleep 0.2; done
    if process_alive "${name}"; then
      log "${name} ignored SIGTERM for ${timeout}s: SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
      while process_alive "${name}"; do sleep 0.1; done
    fi
  fi
  rm -f "${f}" "${f}.start"
}
