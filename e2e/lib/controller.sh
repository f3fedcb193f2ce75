# Helpers of the controller scenarios (50 and up), sourced after lib/scenario.sh: the aviary-controller
# process, ModelDeployments and waits on their status, traffic per revision from Prometheus, background load
# and recorders, and a dump of what a scenario saw when it fails.
#
# One controller serves every scenario (it watches all namespaces): controller_ensure starts it unless it
# runs, under a lock, so the scenarios of one group (run concurrently by run.sh) share it. Its output goes to
# $AVIARY_CLUSTER_DIR/logs/aviary-controller.log, across restarts; down.sh stops it with everything else.
# It always sends its audit trail (--audit-webhook) to the webhook receiver "audit" (lib/webhooks.sh: records
# in $AVIARY_CLUSTER_DIR/audit.jsonl, every scenario's; filter by the record's key), started with it, through
# the spool $AVIARY_CLUSTER_DIR/audit-spool (--audit-spool), which outlives a kill of the controller.
# shellcheck shell=bash

# shellcheck source=e2e/lib/webhooks.sh
source "$(dirname "${BASH_SOURCE[0]}")/webhooks.sh"

CONTROLLER=aviary-controller
MODELS_DIR="${AVIARY_MODELS_DIR:-${E2E_DIR}/testdata/models}"
BODIES_DIR="${E2E_DIR}/testdata/requests/churn"

# The aviary-controller binary: $AVIARY_CONTROLLER_BIN when set (and only it), else the first one built under
# build/. Prints nothing when there is none.
controller_bin() {
  local f candidates=("${REPO_ROOT}/build/src/operator/aviary-controller"
    "${REPO_ROOT}/build/src/controller/aviary-controller" "${REPO_ROOT}/build/aviary-controller"
    "${REPO_ROOT}/build/bin/aviary-controller")
  [[ -n "${AVIARY_CONTROLLER_BIN:-}" ]] && candidates=("${AVIARY_CONTROLLER_BIN}")
  for f in "${candidates[@]}"; do
    if [[ -f "${f}" && -x "${f}" ]]; then
      echo "${f}"
      return
    fi
  done
}

# The controller's /healthz, /readyz and /metrics.
controller_url() { cat "${AVIARY_CLUSTER_DIR}/controller-url"; }

# Starts the controller (it must not be running) and waits for /readyz.
controller_start() {
  local bin port audit_url
  bin="$(controller_bin)"
  [[ -n "${bin}" ]] || fail "aviary-controller is not built (ninja -C build aviary-controller, or set" \
    "AVIARY_CONTROLLER_BIN): the controller scenarios have nothing to run"
  [[ -n "$(sidecar_bin)" ]] || fail "aviary-sidecar is not built: the controller's pods would get no process"
  audit_url="$(webhook_receiver_ensure audit)" || fail "the audit webhook receiver did not start"
  port="$(free_port)"
  echo "http://127.0.0.1:${port}" >"${AVIARY_CLUSTER_DIR}/controller-url"
  start_process "${CONTROLLER}" "${bin}" --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" \
    --prometheus-url "$(cat "${AVIARY_CLUSTER_DIR}/prometheus-url")" --leader-elect=false \
    --http-address "127.0.0.1:${port}" --log-format text --workers 4 \
    --audit-webhook "${audit_url}/audit" --audit-spool "${AVIARY_CLUSTER_DIR}/audit-spool"
  wait_until 60 "aviary-controller /readyz" curl -fsS --max-time 2 "http://127.0.0.1:${port}/readyz" || {
    process_alive_or_dump "${CONTROLLER}" || true
    fail "aviary-controller did not become ready on 127.0.0.1:${port}"
  }
  # Prometheus scrapes it as job aviary-controller (dataplane/prometheus.sh).
  local targets="${AVIARY_CLUSTER_DIR}/controller/targets"
  mkdir -p "${targets}"
  echo "[{\"targets\": [\"127.0.0.1:${port}\"], \"labels\": {}}]" >"${targets}/aviary-controller.json.tmp"
  mv "${targets}/aviary-controller.json.tmp" "${targets}/aviary-controller.json"
  log "aviary-controller ready (pid $(cat "${AVIARY_CLUSTER_DIR}/pids/${CONTROLLER}"), $(controller_url))"
}

# Runs FUNCTION under the controller's lock: one scenario at a time starts, kills or restarts it.
with_controller_lock() {
  # fd 9, which start_process closes for the controller: a lock inherited by it would be held for its life.
  (
    flock 9
    "$@"
  ) 9>"${AVIARY_CLUSTER_DIR}/controller.lock"
}

# Starts the shared controller unless it runs.
controller_ensure() {
  # shellcheck disable=SC2317
  ensure() { process_alive "${CONTROLLER}" || controller_start; }
  with_controller_lock ensure
}

controller_dead() { ! process_alive "${CONTROLLER}"; }

# controller_kill: SIGKILL, as a node failure or the OOM killer would; no chance to finish a write.
controller_kill() {
  # shellcheck disable=SC2317
  kill9() {
    local f="${AVIARY_CLUSTER_DIR}/pids/${CONTROLLER}" pid
    process_alive "${CONTROLLER}" || fail "aviary-controller is not running, nothing to kill"
    pid="$(cat "${f}")"
    log "SIGKILL to aviary-controller (pid ${pid})"
    kill -KILL "${pid}"
    wait_until 10 "aviary-controller to die" controller_dead ||
      fail "aviary-controller (pid ${pid}) survived SIGKILL"
    rm -f "${f}" "${f}.start"
  }
  with_controller_lock kill9
}

# md_json NS NAME: the ModelDeployment as JSON (nothing if it does not exist).
md_json() { kc get modeldeployments.aviary.dev "$2" -n "$1" -o json 2>/dev/null; }

# md_summary NS NAME: one line: phase, step, weight, revisions, conditions that are True. summary_of JSON:
# the same of a ModelDeployment already read.
summary_of() {
  [[ -n "$1" ]] || { echo "(no ModelDeployment)"; return 0; }
  jq -r '.status // {} |
    "phase=\(.phase) step=\(.currentStep) weight=\(.canaryWeight) stable=\(.stableRevision) " +
    "canary=\(.canaryRevision) failedChecks=\(.failedChecks) conditions=" +
    ([.conditions // [] | .[] | select(.status == "True") | "\(.type)/\(.reason)"] | join(","))' \
    <<<"$1" 2>/dev/null || echo "(no ModelDeployment)"
}
md_summary() { summary_of "$(md_json "$1" "$2")"; }

# md_wait TIMEOUT NS NAME DESCRIPTION JQ: waits until JQ holds of the ModelDeployment's JSON (polling twice a
# second); fails with what it saw otherwise. Sets MD to the last JSON read.
MD=""
md_wait() {
  local timeout="$1" ns="$2" name="$3" what="$4" cond="$5" deadline=$((SECONDS + $1))
  while true; do
    MD="$(md_json "${ns}" "${name}" || true)"
    if [[ -n "${MD}" ]] && jq -e "${cond}" <<<"${MD}" >/dev/null 2>&1; then
      log "${ns}/${name}: ${what} ($(summary_of "${MD}"))"
      return 0
    fi
    ((SECONDS < deadline)) || fail "${ns}/${name}: after ${timeout}s, still not ${what} (${cond}); it is" \
      "$(summary_of "${MD}")"
    sleep 0.5
  done
}

# md_hold SECONDS NS NAME DESCRIPTION JQ: JQ holds of the ModelDeployment all along SECONDS (checked twice a
# second); fails at the first time it does not.
md_hold() {
  local seconds="$1" ns="$2" name="$3" what="$4" cond="$5" until_s=$((SECONDS + $1))
  while ((SECONDS < until_s)); do
    MD="$(md_json "${ns}" "${name}" || true)"
    jq -e "${cond}" <<<"${MD}" >/dev/null 2>&1 ||
      fail "${ns}/${name}: expected ${what} (${cond}) for ${seconds}s; it is $(summary_of "${MD}")"
    sleep 0.5
  done
  log "${ns}/${name}: ${what} for ${seconds}s ($(summary_of "${MD}"))"
}

# md_field NS NAME JQ: one value of the ModelDeployment.
md_field() { md_json "$1" "$2" | jq -r "$3"; }

# md_request NS NAME JSON: a manual request through the status subresource, as kubectl-aviary sends it,
# e.g. '{"promote":"step"}', '{"abort":true}', '{"paused":true}'.
md_request() {
  log "$1/$2: request $3"
  kc patch modeldeployments.aviary.dev "$2" -n "$1" --subresource=status --type=merge \
    -p "{\"status\":{\"requests\":$3}}" >/dev/null
}

# condition JQ filter: the condition TYPE of the status, or null.
cond() { printf '(.status.conditions // [] | map(select(.type == "%s")) | .[0])' "$1"; }

# md_manifest NAME [--provider replicas|gatewayAPI] [--version V] [--model DIR] [--replicas N]
#             [--steps FLOW] [--metrics FLOW] [--interval D] [--failure-limit N] [--no-data hold|fail]
#             [--deadline S] [--scale-down-delay D] [--no-reference] [--provenance FLOW] [--monitoring FLOW]
#             [--canary-scale full|matchTrafficWeight]
# Prints a ModelDeployment of the churn model: file:///models/DIR/model.json (default churn/v1), the churn
# reference profile and the group input region (unless --no-reference), scaleDownDelay 2s unless given. STEPS and
# METRICS are YAML flow sequences; PROVENANCE (spec.model.provenance) and MONITORING (spec.monitoring) flow maps. Defaults: replicas 1 (2 with the replicas provider, which splits by pods),
# steps 30 %, pause 2s, 60 %; one gate, errorRate at most 5 %; analysis every 5s, failureLimit 1.
md_manifest() {
  local name="$1" provider=replicas version=1 model=churn/v1 replicas="" interval=5s failure_limit=1
  local no_data=hold deadline=600 reference=1 scale_down_delay=2s provenance="" monitoring="" canary_scale=full
  local steps='[{setWeight: 30}, {pause: {duration: 2s}}, {setWeight: 60}]'
  local metrics='[{name: error-rate, builtin: errorRate, max: 5}]'
  shift
  while (($#)); do
    case "$1" in
    --provider) provider="$2" ;;
    --version) version="$2" ;;
    --model) model="$2" ;;
    --replicas) replicas="$2" ;;
    --steps) steps="$2" ;;
    --metrics) metrics="$2" ;;
    --interval) interval="$2" ;;
    --failure-limit) failure_limit="$2" ;;
    --no-data) no_data="$2" ;;
    --deadline) deadline="$2" ;;
    --scale-down-delay) scale_down_delay="$2" ;;
    --provenance) provenance="$2" ;;
    --monitoring) monitoring="$2" ;;
    --canary-scale) canary_scale="$2" ;;
    --no-reference)
      reference=0
      shift
      continue
      ;;
    *) fail "md_manifest: unknown option $1" ;;
    esac
    shift 2
  done
  [[ -n "${replicas}" ]] || { [[ "${provider}" == replicas ]] && replicas=2 || replicas=1; }
  local traffic="{provider: ${provider}}"
  [[ "${provider}" == gatewayAPI ]] && traffic="{provider: gatewayAPI, gatewayAPI: {httpRoute: ${name}}}"
  local extra=""
  ((reference)) && extra=$'\n'"    reference: file:///models/churn/profile.json"$'\n'"    groupInput: region"
  [[ -z "${provenance}" ]] || extra+=$'\n'"    provenance: ${provenance}"
  local tail=""
  [[ -z "${monitoring}" ]] || tail=$'\n'"  monitoring: ${monitoring}"
  cat <<YAML
apiVersion: aviary.dev/v1alpha1
kind: ModelDeployment
metadata: {name: ${name}}
spec:
  model:
    name: churn
    version: "${version}"
    uri: file:///models/${model}/model.json${extra}
  replicas: ${replicas}
  traffic: ${traffic}
  strategy:
    steps: ${steps}
    scaleDownDelay: ${scale_down_delay}
    canaryScale: ${canary_scale}
  analysis:
    interval: ${interval}
    failureLimit: ${failure_limit}
    noData: ${no_data}
    metrics: ${metrics}
  progressDeadlineSeconds: ${deadline}${tail}
YAML
}

# md_apply NS: applies the manifest on stdin (kubectl's warnings, e.g. an unknown field, go to the log).
md_apply() {
  local out
  out="$(kc apply -n "$1" -f - 2>&1)" || fail "kubectl apply in $1 failed: ${out}"
  [[ "${out}" != *Warning* ]] || log "kubectl apply in $1: ${out}"
}

# route_create NS NAME: the user's HTTPRoute NAME whose backendRefs are aviary's NAME-stable (weight 100)
# and NAME-canary (weight 0) Services.
route_create() {
  kc apply -n "$1" -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: $2}
spec:
  rules:
  - backendRefs:
    - {name: $2-stable, port: 8080, weight: 100}
    - {name: $2-canary, port: 8080, weight: 0}
YAML
}

# route_weights NS NAME: "STABLE CANARY", the weights of NAME-stable and NAME-canary in the HTTPRoute NAME.
route_weights() {
  kc get httproute "$2" -n "$1" -o json | jq -r --arg n "$2" '.spec.rules[0].backendRefs as $b |
    "\([$b[] | select(.name == $n + "-stable") | .weight // 1][0]) \([$b[] | select(.name == $n + "-canary") | .weight // 1][0])"'
}

# Predicates for wait_until. route_is NS NAME "STABLE CANARY"; scaled_to_zero NS DEPLOYMENT (or it does not
# exist); no_pods NS SELECTOR (not even terminating ones); events_name NS NAME REGEX (an Event of the
# ModelDeployment, as "TYPE REASON: MESSAGE").
route_is() { [[ "$(route_weights "$1" "$2")" == "$3" ]]; }
scaled_to_zero() {
  local n
  n="$(kc get deployment "$2" -n "$1" --ignore-not-found -o jsonpath='{.spec.replicas}')" || return 1
  [[ "${n:-0}" == 0 ]]
}
no_pods() { [[ -z "$(kc get pods -n "$1" -l "$2" -o name)" ]]; }
# no_objects NS KINDS: none of KINDS (e.g. deployments,services) in NS; md_absent NS NAME.
no_objects() { [[ -z "$(kc get "$2" -n "$1" -o name)" ]]; }
md_absent() { [[ -z "$(kc get modeldeployments.aviary.dev "$2" -n "$1" --ignore-not-found -o name)" ]]; }
events_name() { md_events "$1" "$2" | grep -Eq -- "$3"; }

# pods_of NS SELECTOR: names of the pods matching SELECTOR that are not being deleted.
pods_of() {
  kc get pods -n "$1" -l "$2" -o json |
    jq -r '.items[] | select(.metadata.deletionTimestamp == null) | .metadata.name'
}

# Requests per second of a revision over the last WINDOW, from Prometheus (0 when it has no series: its
# pods are gone). Counts every answer, whatever its code.
revision_rate_query() {
  printf 'sum(rate(aviary_inference_requests_total{namespace="%s",revision="%s"}[%s])) or vector(0)' "$1" "$2" \
    "${3:-6s}"
}

# traffic_start NS NAME PROVIDER [LOADGEN_ARGS...]: load through the route as the provider splits it (the
# HTTPRoute NAME for gatewayAPI, the pods of the ModelDeployment for replicas), in the background, bounded
# (default 4 requests a second for at most 300 s). traffic_stop ends it and prints its summary.
LOADGEN_PID="" LOADGEN_OUT=""
traffic_start() {
  local ns="$1" name="$2" provider="$3" route
  shift 3
  route=(--httproute "${name}")
  [[ "${provider}" == replicas ]] && route=(--selector "aviary.dev/modeldeployment=${name}")
  LOADGEN_OUT="$(mktemp)"
  "${E2E_DIR}/dataplane/loadgen.sh" --namespace "${ns}" "${route[@]}" --model churn --requests 100000 \
    --duration 300 --rate 4 --body "${BODIES_DIR}/stable.json" "$@" >"${LOADGEN_OUT}" 2>&1 &
  LOADGEN_PID=$!
  log "${ns}: load generator started (pid ${LOADGEN_PID}): ${route[*]} $*"
}
traffic_stop() {
  [[ -n "${LOADGEN_PID}" ]] || return 0
  kill -TERM "${LOADGEN_PID}" 2>/dev/null || true
  wait "${LOADGEN_PID}" 2>/dev/null || true
  log "load generator: $(tr -d '\n' <"${LOADGEN_OUT}")"
  rm -f "${LOADGEN_OUT}"
  LOADGEN_PID=""
}

# record FILE KUBECTL_GET_ARGS...: in the background, a watch of one object, a line per change into FILE,
# each prefixed with the wall-clock time it was seen (seconds, microseconds). record_stop ends them all.
RECORDERS=()
record() {
  local file="$1" pidfile
  shift
  pidfile="$(mktemp)"
  (
    echo "${BASHPID}" >"${pidfile}"
    exec "$(bin_path kubectl)" --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" get "$@" --watch
  ) 2>/dev/null | while IFS= read -r line; do echo "${EPOCHREALTIME} ${line}"; done >"${file}" &
  wait_until 5 "the recorder to start" test -s "${pidfile}"
  RECORDERS+=("$(cat "${pidfile}")")
  rm -f "${pidfile}"
}
record_stop() {
  local pid
  for pid in "${RECORDERS[@]}"; do kill -TERM "${pid}" 2>/dev/null || true; done
  RECORDERS=()
}

# md_record NS NAME FILE: every status change of the ModelDeployment as "TIME PHASE|STEP|WEIGHT|CANARY"
# (a field the status leaves out is empty; md_seen reads them).
md_record() {
  record "$3" modeldeployments.aviary.dev "$2" -n "$1" -o \
    jsonpath='{.status.phase}|{.status.currentStep}|{.status.canaryWeight}|{.status.canaryRevision}{"\n"}'
}
# md_seen FILE REVISION: the status changes md_record saw while REVISION was the canary, one per line as
# "PHASE STEP WEIGHT" (an absent step or weight is 0).
md_seen() {
  awk -v r="$2" '{ split($2, f, "|") } f[4] == r { print f[1], (f[2] == "" ? 0 : f[2]), (f[3] == "" ? 0 : f[3]) }' "$1"
}

# on_failure NS NAME: when the scenario fails, print what it saw of NAME in NS: status, events, pods, the
# routes, the status changes recorded, the lines of the controller's log that name NS and its last lines.
# Also stops the background load and recorders on every exit.
SCENARIO_NS="" SCENARIO_MD="" STATUS_LOG=""
on_failure() {
  SCENARIO_NS="$1" SCENARIO_MD="$2"
  STATUS_LOG="$(mktemp)"
  trap scenario_exit EXIT
}
EXIT_HOOK=""  # a command run first on exit, e.g. to restart what the scenario stopped
scenario_exit() {
  local rc=$? ns="${SCENARIO_NS}"
  [[ -z "${EXIT_HOOK}" ]] || ${EXIT_HOOK} || true
  traffic_stop || true
  record_stop || true
  if ((rc != 0 && rc != 3)); then
    {
      echo "===== ${ns}: what the scenario saw"
      echo "----- ModelDeployment ${ns}/${SCENARIO_MD}"
      kc get modeldeployments.aviary.dev -n "${ns}" -o yaml 2>&1 | sed -n '/^  status:/,$p' | head -n 120
      echo "----- status changes (time phase|step|weight|canary)"
      tail -n 40 "${STATUS_LOG}" 2>/dev/null
      echo "----- events"
      kc get events -n "${ns}" --sort-by .lastTimestamp 2>&1 | tail -n 30
      echo "----- deployments, pods, routes"
      kc get deployments,pods,services -n "${ns}" -L aviary.dev/role,aviary.dev/revision 2>&1 | head -n 40
      kc get httproutes -n "${ns}" -o json 2>/dev/null | jq -c '.items[] | {(.metadata.name): .spec.rules}'
      echo "----- aviary-controller log: lines naming ${ns} (last 40), then its last 20 lines"
      grep -a -- "${ns}" "${AVIARY_CLUSTER_DIR}/logs/${CONTROLLER}.log" 2>/dev/null | tail -n 40
      echo "..."
      tail -n 20 "${AVIARY_CLUSTER_DIR}/logs/${CONTROLLER}.log" 2>/dev/null
      echo "===== end of ${ns}"
    } >&2
  fi
  rm -f "${STATUS_LOG}"
  exit "${rc}"
}

# scenario_start NS NAME PROVIDER [MANIFEST_ARGS...]: how a controller scenario opens. The shared controller
# runs (first: it finalizes what a previous run left in NS), NS is fresh, a failure dumps what the scenario
# saw, the first revision is Succeeded (first_rollout: REV1) and status changes are recorded.
scenario_start() {
  controller_ensure
  fresh_namespace "$1"
  on_failure "$1" "$2"
  first_rollout "$@"
  md_record "$1" "$2" "${STATUS_LOG}"
}

# first_rollout NS NAME PROVIDER [MANIFEST_ARGS...]: the ModelDeployment's first revision (churn v1 unless
# the arguments say otherwise) applied and Succeeded, its pods scraped by Prometheus; for gatewayAPI the
# user's HTTPRoute first. Sets REV1 to its revision.
REV1=""
first_rollout() {
  local ns="$1" name="$2" provider="$3" replicas
  shift 3
  [[ "${provider}" == gatewayAPI ]] && route_create "${ns}" "${name}"
  md_manifest "${name}" --provider "${provider}" "$@" | md_apply "${ns}"
  md_wait 120 "${ns}" "${name}" "Succeeded with its first revision" \
    '.status.phase == "Succeeded" and (.status.stableRevision // "") != ""'
  REV1="$(jq -r .status.stableRevision <<<"${MD}")"
  replicas="$(jq -r .spec.replicas <<<"${MD}")"
  wait_prom 90 "count(up{namespace=\"${ns}\",revision=\"${REV1}\"} == 1)" ". == ${replicas}"
  wait_prom 60 "count(aviary_model_ready{namespace=\"${ns}\",revision=\"${REV1}\"} == 1)" ". == ${replicas}"
}

# new_revision NS NAME PROVIDER MANIFEST_ARGS...: applies the changed spec and waits until the controller
# runs it as the canary. Sets REV2.
REV2=""
new_revision() {
  local ns="$1" name="$2" provider="$3" old
  shift 3
  old="$(md_field "${ns}" "${name}" '.status.canaryRevision // ""')"
  md_manifest "${name}" --provider "${provider}" "$@" | md_apply "${ns}"
  md_wait 60 "${ns}" "${name}" "rolling out a new revision" \
    ".status.phase == \"Progressing\" and (.status.canaryRevision // \"\") != \"\" and
     .status.canaryRevision != .status.stableRevision and .status.canaryRevision != \"${old}\""
  REV2="$(jq -r .status.canaryRevision <<<"${MD}")"
}

# expect_no_revision_traffic NS REV: REV's pods are gone and Prometheus sees no request to it over the last
# 6 s; expect_revision_traffic NS REV: Prometheus sees REV answer requests over the last 6 s.
expect_no_revision_traffic() {
  wait_until 90 "the pods of revision $2 to be gone" no_pods "$1" "aviary.dev/revision=$2" ||
    fail "pods of revision $2 are still there: $(pods_of "$1" "aviary.dev/revision=$2" | tr '\n' ' ')"
  wait_prom 60 "$(revision_rate_query "$1" "$2")" '. == 0'
}
expect_revision_traffic() {
  wait_prom 60 "$(revision_rate_query "$1" "$2")" '. > 0'
}

# The condition messages and events of a ModelDeployment, for checks that the controller says why.
md_condition_messages() { md_json "$1" "$2" | jq -r '.status.conditions // [] | .[] | "\(.type)=\(.status) \(.reason): \(.message)"'; }
md_events() {
  kc get events -n "$1" -o json | jq -r --arg n "$2" \
    '.items[] | select(.involvedObject.kind == "ModelDeployment" and .involvedObject.name == $n)
     | "\(.type) \(.reason): \(.message)"'
}
