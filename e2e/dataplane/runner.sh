#!/usr/bin/env bash
# The data-plane runner: stands in for the kubelet of the kwok nodes, nothing more. kwok marks pods Running
# but runs nothing, so for each Running pod that carries the revision label (aviary.dev/revision by default)
# this starts a local process on a free loopback port:
#   - aviary-sidecar ($AVIARY_SIDECAR_BIN, or the first one found under build/), given the container's args
#     plus "--address=127.0.0.1 --port=PORT --metrics-port=PORT" (the last flag wins), with the container's
#     literal env values, and with file:///models/... in the args mapped to $AVIARY_MODELS_DIR;
#   - dataplane/standin.sh, a bash HTTP server with the same metric names, when no sidecar is built or the
#     pod is annotated e2e.aviary.dev/process=standin.
# For each one it writes
#   $AVIARY_CLUSTER_DIR/dataplane/targets/NS_POD.json    Prometheus file_sd (labels namespace, pod, revision,
#                                                         model_deployment)
#   $AVIARY_CLUSTER_DIR/dataplane/endpoints/NS/POD       "127.0.0.1:PORT" for the load generator
# and removes both, and stops the process, once the pod is gone, deleted or no longer Running.
#
# Usage: runner.sh run (foreground loop) | start (background, PID recorded) | stop | once (one pass).
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

dp="${AVIARY_CLUSTER_DIR}/dataplane"
revision_label="${AVIARY_REVISION_LABEL:-aviary.dev/revision}"
md_label="${AVIARY_MD_LABEL:-aviary.dev/modeldeployment}"
container="${AVIARY_SIDECAR_CONTAINER:-aviary-sidecar}"
models_dir="${AVIARY_MODELS_DIR:-${REPO_ROOT}/e2e/testdata/models}"

sidecar_bin() {
  if [[ -n "${AVIARY_SIDECAR_BIN:-}" ]]; then
    echo "${AVIARY_SIDECAR_BIN}"
    return
  fi
  local f
  for f in "${REPO_ROOT}/build/src/sidecar/aviary-sidecar" "${REPO_ROOT}/build/aviary-sidecar" \
    "${REPO_ROOT}/build/bin/aviary-sidecar"; do
    if [[ -x "${f}" ]]; then
      echo "${f}"
      return
    fi
  done
}

# Pods that should have a process: one line per pod, "NS POD REVISION MD" then the container spec as JSON.
desired_pods() {
  kc get pods --all-namespaces -l "${revision_label}" -o json | jq -c --arg rl "${revision_label}" \
    --arg ml "${md_label}" --arg c "${container}" '
    .items[]
    | select(.status.phase == "Running" and .metadata.deletionTimestamp == null)
    | {ns: .metadata.namespace, pod: .metadata.name, uid: .metadata.uid,
       revision: .metadata.labels[$rl], md: (.metadata.labels[$ml] // ""),
       standin: (.metadata.annotations["e2e.aviary.dev/process"] == "standin"),
       spec: ([.spec.containers[] | select(.name == $c)] + [.spec.containers[0]])[0]}'
}

start_pod() {
  local p="$1" ns pod key revision md port bin
  ns="$(jq -r .ns <<<"${p}")"
  pod="$(jq -r .pod <<<"${p}")"
  revision="$(jq -r .revision <<<"${p}")"
  md="$(jq -r .md <<<"${p}")"
  key="pod-${ns}_${pod}"
  port="$(free_port)"
  bin="$(sidecar_bin)"
  [[ "$(jq -r .standin <<<"${p}")" == true ]] && bin=""
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
  local p key
  while IFS= read -r p; do
    [[ -n "${p}" ]] || continue
    key="pod-$(jq -r '"\(.ns)_\(.pod)"' <<<"${p}")"
    want["${key}"]=1
    if process_alive "${key}" && [[ "$(cat "${AVIARY_CLUSTER_DIR}/pids/${key}.uid" 2>/dev/null)" == "$(jq -r .uid <<<"${p}")" ]]; then
      continue
    fi
    [[ -e "${AVIARY_CLUSTER_DIR}/pids/${key}" ]] && stop_pod "${key}"
    log "runner: pod $(jq -r '"\(.ns)/\(.pod) revision \(.revision)"' <<<"${p}") is Running: starting its process"
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
