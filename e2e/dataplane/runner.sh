#!/usr/bin/env bash
# The data-plane runner: stands in for the kubelet of the kwok nodes, nothing more. kwok marks pods Running
# but runs nothing, so for each Running pod that carries the revision label (aviary.dev/revision by default)
# this starts a local process on a free loopback port:
#   - aviary-sidecar ($AVIARY_SIDECAR_BIN, or the first one found under build/), given the container's args
#     plus "--address=127.0.0.1 --port=PORT --metrics-port=PORT" (the last flag wins), with the container's
#     literal env values, and with file:///models/... in the args mapped to $AVIARY_MODELS_DIR;
#   - dataplane/standin.sh, a bash HTTP server with the same metric names, only when the pod is annotated
#     e2e.aviary.dev/process=standin.
# A pod that asks for the sidecar while none is built gets no process at all, never the stand-in in disguise:
# the runner logs an error for it and writes the reason to $AVIARY_CLUSTER_DIR/dataplane/failed/NS_POD, which
# scenarios check (a stand-in would pass every counting test and prove nothing about the sidecar).
# For each one it writes
#   $AVIARY_CLUSTER_DIR/dataplane/targets/NS_POD.json    Prometheus file_sd (labels namespace, pod, revision,
#                                                         model_deployment)
#   $AVIARY_CLUSTER_DIR/dataplane/endpoints/NS/POD       "127.0.0.1:PORT" for the load generator
# and removes both, and stops the process, once the pod is gone, deleted or no longer Running.
#
# Usage: runner.sh run (foreground loop) | start (background, PID recorded) | stop | once (one pass).
# AVIARY_RUNNER_NAMESPACE=NS limits it to the pods of NS (default: every namespace).
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

dp="${AVIARY_CLUSTER_DIR}/dataplane"
revision_label="${AVIARY_REVISION_LABEL:-aviary.dev/revision}"
md_label="${AVIARY_MD_LABEL:-aviary.dev/modeldeployment}"
container="${AVIARY_SIDECAR_CONTAINER:-aviary-sidecar}"
models_dir="${AVIARY_MODELS_DIR:-${REPO_ROOT}/e2e/testdata/models}"

# Pods that should have a process: one line per pod, "pod-NS_POD<TAB>UID<TAB>" then the pod as JSON
# (ns, pod, uid, revision, md, standin, spec: the container). One jq for all pods: a pass over dozens of pods
# must not fork a jq per pod, or the runner alone keeps a core busy.
desired_pods() {
  local scope=(--all-namespaces)
  [[ -n "${AVIARY_RUNNER_NAMESPACE:-}" ]] && scope=(-n "${AVIARY_RUNNER_NAMESPACE}")
  kc get pods "${scope[@]}" -l "${revision_label}" -o json | jq -r --arg rl "${revision_label}" \
    --arg ml "${md_label}" --arg c "${container}" '
    .items[]
    | select(.status.phase == "Running" and .metadata.deletionTimestamp == null)
    | {ns: .metadata.namespace, pod: .metadata.name, uid: .metadata.uid,
       revision: .metadata.labels[$rl], md: (.metadata.labels[$ml] // ""),
       standin: (.metadata.annotations["e2e.aviary.dev/process"] == "standin"),
       spec: ([.spec.containers[] | select(.name == $c)] + [.spec.containers[0]])[0]}
    | "pod-\(.ns)_\(.pod)\t\(.uid)\t\(tojson)"'
}

start_pod() {
  local p="$1" ns pod key revision md port bin
  ns="$(jq -r .ns <<<"${p}")"
  pod="$(jq -r .pod <<<"${p}")"
  revision="$(jq -r .revision <<<"${p}")"
  md="$(jq -r .md <<<"${p}")"
  key="pod-${ns}_${pod}"
  bin="$(sidecar_bin)"
  [[ "$(jq -r .standin <<<"${p}")" == true ]] && bin=""
  if [[ -z "${bin}" && "$(jq -r .standin <<<"${p}")" != true ]]; then
    mkdir -p "${dp}/failed"
    if [[ ! -e "${dp}/failed/${ns}_${pod}" ]]; then
      log "runner: error: pod ${ns}/${pod} asks for aviary-sidecar, but none is built (make build, or set" \
        "AVIARY_SIDECAR_BIN); it gets no process. Annotate it e2e.aviary.dev/process=standin for the stand-in."
      echo "aviary-sidecar not built: no process for pod ${ns}/${pod}" >"${dp}/failed/${ns}_${pod}"
    fi
    return 0
  fi
  rm -f "${dp}/failed/${ns}_${pod}"
  log "runner: pod ${ns}/${pod} revision ${revision} is Running: starting $(basename "${bin:-standin.sh}")"
  port="$(free_port)"
  (
    # The container's literal env values; valueFrom (secrets, downward API) is not emulated.
    while IFS= read -r kv; do
      [[ -n "${kv}" ]] && export "${kv?}"
    done < <(jq -r '.spec.env // [] | .[] | select(.value != null) | "\(.name)=\(.value)"' <<<"${p}")
    if [[ -n "${bin}" ]]; then
      local args=()
      mapfile -t args < <(jq -r --arg m "${models_dir}" \
        '.spec.args // [] | .[] | gsub("file:///models/"; "file://" + $m + "/")' <<<"${p}")
      start_process "${key}" "${bin}" "${args[@]}" --address=127.0.0.1 "--port=${port}" "--metrics-port=${port}"
    else
      start_process "${key}" "${here}/standin.sh" "${port}" "${md:-${pod}}" "${revision}" "${dp}/standin/${ns}_${pod}"
    fi
  )
  jq -r .uid <<<"${p}" >"${AVIARY_CLUSTER_DIR}/pids/${key}.uid"
  mkdir -p "${dp}/endpoints/${ns}" "${dp}/targets"
  echo "127.0.0.1:${port}" >"${dp}/endpoints/${ns}/${pod}"
  jq -n --arg t "127.0.0.1:${port}" --arg ns "${ns}" --arg pod "${pod}" --arg rev "${revision}" --arg md "${md}" \
    '[{targets: [$t], labels: {namespace: $ns, pod: $pod, revision: $rev, model_deployment: $md}}]' \
    >"${dp}/targets/.${ns}_${pod}.json"
  mv "${dp}/targets/.${ns}_${pod}.json" "${dp}/targets/${ns}_${pod}.json"
}

stop_pod() {
  local key="$1" ns_pod="${1#pod-}"
  rm -f "${dp}/targets/${ns_pod}.json" "${dp}/endpoints/${ns_pod%%_*}/${ns_pod#*_}"
  stop_process "${key}" 10
  rm -f "${AVIARY_CLUSTER_DIR}/pids/${key}.uid"
}

# One reconcile pass: start what is missing, stop what is no longer wanted (or whose pod was recreated).
once() {
  mkdir -p "${dp}/targets" "${dp}/endpoints" "${AVIARY_CLUSTER_DIR}/pids"
  local pods
  pods="$(desired_pods)" || return 0
  declare -A want=()
  local p key uid
  while IFS=$'\t' read -r key uid p; do
    [[ -n "${p}" ]] || continue
    want["${key}"]=1
    if process_alive "${key}" && [[ "$(cat "${AVIARY_CLUSTER_DIR}/pids/${key}.uid" 2>/dev/null)" == "${uid}" ]]; then
      continue
    fi
    [[ -e "${AVIARY_CLUSTER_DIR}/pids/${key}" ]] && stop_pod "${key}"
    start_pod "${p}"
  done <<<"${pods}"
  local f
  for f in "${AVIARY_CLUSTER_DIR}"/pids/pod-*; do
    [[ -e "${f}" && "${f}" != *.start && "${f}" != *.uid ]] || continue
    key="$(basename "${f}")"
    if [[ -z "${want[${key}]:-}" ]]; then
      log "runner: ${key#pod-} is gone or not Running: stopping its process"
      stop_pod "${key}"
    fi
  done
  for f in "${dp}"/failed/*; do
    [[ -e "${f}" && -z "${want[pod-$(basename "${f}")]:-}" ]] && rm -f "${f}"
  done
  return 0
}

case "${1:-}" in
once) once ;;
run)
  while true; do
    once || log "runner: pass failed, retrying"
    sleep "${AVIARY_RUNNER_INTERVAL:-1}"
  done
  ;;
start)
  process_alive dataplane-runner || start_process dataplane-runner "${here}/runner.sh" run
  ;;
stop)
  stop_process dataplane-runner
  for f in "${AVIARY_CLUSTER_DIR}"/pids/pod-*; do
    [[ -e "${f}" && "${f}" != *.start && "${f}" != *.uid ]] || continue
    stop_pod "$(basename "${f}")"
  done
  ;;
*) die "usage: $0 run|start|stop|once" ;;
esac
