#!/usr/bin/env bash
# `make demo`: aviary rolling out a model on a local control plane, start to finish, unattended.
#
#   1. installs the Debian packages (scripts/install-deps.sh), builds aviary-controller, aviary-sidecar and
#      kubectl-aviary (the kubectl plugin, put on PATH as `kubectl aviary`);
#   2. starts the local control plane of e2e/ (etcd, kube-apiserver, kwok nodes, Prometheus, and the data
#      plane's runner, which runs a real aviary-sidecar for every pod) in $AVIARY_DEMO_DIR (/tmp/aviary-demo),
#      and the controller against it;
#   3. applies the ModelDeployment demo/churn (scripts/demo/churn.yaml: a Gateway API HTTPRoute, gates on
#      error rate, p99 latency and KS drift) at model v1, and once v1 is stable sends steady load through the
#      HTTPRoute with the data plane's load generator;
#   4. rolls out v2, a good model (promoted), then v3, a model that expects 9 features where the clients send
#      8, so it answers 400 (rolled back), showing the rollout live with `kubectl aviary status --watch`: a
#      view redrawn in place on a terminal, a line per change otherwise;
#   5. prints what happened and how to look around. Everything stays up until `make demo-down`.
#
# Exits 0 when v2 was promoted and v3 rolled back. Each rollout is bounded by AVIARY_DEMO_ROLLOUT_TIMEOUT
# seconds (300). AVIARY_DEMO_BUILD=0 skips step 1 (binaries already built); AVIARY_CONTROLLER_BIN,
# AVIARY_SIDECAR_BIN and AVIARY_CLI_BIN name other binaries than build/'s.
set -o errexit -o nounset -o pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${repo}"
export AVIARY_CLUSTER_DIR="${AVIARY_DEMO_DIR:-/tmp/aviary-demo}"
# The runner maps the pods' file:///models/ to this folder (written once the test bed is up: up.sh
# empties the state folder when it starts afresh).
export AVIARY_MODELS_DIR="${AVIARY_CLUSTER_DIR}/models"
# shellcheck source=e2e/lib/common.sh
source "${repo}/e2e/lib/common.sh"

ns=demo
md=churn
rollout_timeout="${AVIARY_DEMO_ROLLOUT_TIMEOUT:-300}"
body="${repo}/e2e/testdata/requests/churn/stable.json"
build_dir="${BUILD_DIR:-build}"
started_s=${SECONDS}

say() { printf '\n%s %s\n' "$(date +%H:%M:%S)" "$(if [[ -t 1 ]]; then printf '\e[1m%s\e[0m' "$*"; else echo "$*"; fi)"; }

# built_bin NAME FOLDER: the binary NAME under the build folder (src/FOLDER/, the top, bin/).
built_bin() {
  local f
  for f in "${build_dir}/src/$2/$1" "${build_dir}/$1" "${build_dir}/bin/$1"; do
    [[ -x "${f}" ]] && {
      echo "${repo}/${f#"${repo}/"}"
      return
    }
  done
  find "${build_dir}" -type f -name "$1" -perm -u+x 2>/dev/null | head -n 1
}
controller_bin() { if [[ -n "${AVIARY_CONTROLLER_BIN:-}" ]]; then echo "${AVIARY_CONTROLLER_BIN}"; else built_bin aviary-controller operator; fi; }
cli_bin() { if [[ -n "${AVIARY_CLI_BIN:-}" ]]; then echo "${AVIARY_CLI_BIN}"; else built_bin kubectl-aviary cli; fi; }

on_interrupt() {
  stop_process demo-loadgen 5 2>/dev/null || true
  printf '\ninterrupted; the test bed and the controller are still up: make demo-down stops them\n'
  exit 130
}
trap on_interrupt INT TERM

# Where a rollout got stuck: the object, the controller's last words.
diagnose() {
  say "diagnostics"
  kc get modeldeployment "${md}" -n "${ns}" -o yaml | sed -n '/^status:/,$p' || true
  echo "--- last lines of ${AVIARY_CLUSTER_DIR}/logs/aviary-controller.log"
  tail -n 30 "${AVIARY_CLUSTER_DIR}/logs/aviary-controller.log" 2>/dev/null || true
}

step_build() {
  if [[ "${AVIARY_DEMO_BUILD:-1}" == 0 ]]; then
    say "skipping the build (AVIARY_DEMO_BUILD=0)"
    return
  fi
  say "1/5 installing packages and building aviary-controller, aviary-sidecar and kubectl-aviary"
  scripts/install-deps.sh python3 jq
  make --no-print-directory configure BUILD_DIR="${build_dir}"
  cmake --build "${build_dir}" -j "$(nproc)" --target aviary-controller aviary-sidecar kubectl-aviary
}

step_cluster() {
  say "2/5 starting the local control plane in ${AVIARY_CLUSTER_DIR} (first time on a machine: ~40 min of Go builds)"
  e2e/cluster/up.sh
  # shellcheck disable=SC1091
  source "${AVIARY_CLUSTER_DIR}/env"
  python3 scripts/demo/make_models.py "${AVIARY_MODELS_DIR}"
  # kubectl aviary: the plugin on PATH, beside the test bed's kubectl.
  local cli
  cli="$(cli_bin)"
  [[ -n "${cli}" ]] || die "kubectl-aviary is not built under ${build_dir}/ (make build)"
  mkdir -p "${AVIARY_CLUSTER_DIR}/bin"
  ln -sf "${cli}" "${AVIARY_CLUSTER_DIR}/bin/kubectl-aviary"
  export PATH="${AVIARY_CLUSTER_DIR}/bin:${PATH}"

  local bin port
  bin="$(controller_bin)"
  [[ -n "${bin}" ]] || die "aviary-controller is not built under ${build_dir}/ (make build)"
  if process_alive aviary-controller; then
    log "aviary-controller already running"
  else
    port="$(free_port)"
    echo "http://127.0.0.1:${port}" >"${AVIARY_CLUSTER_DIR}/controller-url"
    start_process aviary-controller "${bin}" --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" \
      --prometheus-url "${PROMETHEUS_URL}" --leader-elect=false --http-address "127.0.0.1:${port}" \
      --log-format text --sidecar-extra-args=--audit-sample-rate=0.01
  fi
  wait_until 60 "aviary-controller /readyz" curl -fsS --max-time 2 "$(cat "${AVIARY_CLUSTER_DIR}/controller-url")/readyz" || {
    process_alive_or_dump aviary-controller || true
    die "aviary-controller did not become ready"
  }
  log "aviary-controller ready at $(cat "${AVIARY_CLUSTER_DIR}/controller-url")"
}

# The ModelDeployment at VERSION (v1, v2, v3): a merge patch of spec.model.
set_version() {
  kc patch modeldeployment "${md}" -n "${ns}" --type merge \
    -p "{\"spec\":{\"model\":{\"version\":\"$1\",\"uri\":\"file:///models/churn/$1/model.json\"}}}" >/dev/null
}

# Prometheus has scraped answered requests in the namespace within the last 10 s.
traffic_flowing() {
  [[ -n "$(curl -fsS --max-time 2 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode \
    "query=sum(rate(aviary_inference_requests_total{namespace=\"${ns}\",code=\"200\"}[10s])) > 0" |
    jq -r '.data.result[0].value[1] // empty')" ]]
}

# check_stable VERSION: prints what the stable serves, and succeeds only when its Deployment runs model
# VERSION and none of its answers in the last 15 s was an error: "stable" must mean a working model.
check_stable() {
  local want="$1" have errors
  have="$(kc get deployment "${md}-stable" -n "${ns}" -o json | jq -r '[.spec.template.spec.containers[]
    | select(.name == "aviary-sidecar") | .args[] | select(startswith("--model-version="))
    | ltrimstr("--model-version=")] | first // "?"')"
  sleep 15
  errors="$(curl -fsS --max-time 5 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode "query=100 *
    (sum(rate(aviary_inference_requests_total{namespace=\"${ns}\",pod=~\"${md}-stable-.*\",code!~\"2..\"}[15s])) or vector(0))
    / sum(rate(aviary_inference_requests_total{namespace=\"${ns}\",pod=~\"${md}-stable-.*\"}[15s]))" |
    jq -r '.data.result[0].value[1] // "no data" | if . == "no data" then . else (tonumber * 10 | round / 10 | tostring) end')"
  echo "stable runs model ${have} (expected ${want}), ${errors} % of its answers in the last 15 s were errors"
  [[ "${have}" == "${want}" && "${errors}" == 0 ]]
}

md_field() { kc get modeldeployment "${md}" -n "${ns}" -o jsonpath="{$1}"; }

step_first_version() {
  say "3/5 applying ModelDeployment ${ns}/${md} at model v1 (scripts/demo/churn.yaml)"
  if kc get namespace "${ns}" >/dev/null 2>&1; then
    log "deleting the namespace ${ns} a previous demo left"
    kc delete namespace "${ns}" --wait --timeout 120s >/dev/null
  fi
  kc create namespace "${ns}" >/dev/null
  wait_until 30 "ServiceAccount default in ${ns}" kc get serviceaccount default -n "${ns}"
  kc apply -f scripts/demo/churn.yaml >/dev/null
  watch_rollout "Setting up: churn v1 becomes the stable revision (no traffic yet)" 180 || {
    diagnose
    die "v1 did not become stable within 180 s"
  }

  say "sending steady load through the HTTPRoute ${md} (e2e/dataplane/loadgen.sh, 200 rows a request)"
  start_process demo-loadgen "${repo}/scripts/demo/load.sh" "${ns}" "${md}" "${body}" 1800
  wait_until 60 "traffic in Prometheus" traffic_flowing || die "no traffic reached Prometheus within 60 s"
}

# watch_rollout TITLE TIMEOUT_S: the plugin's live view of the rollout (kubectl aviary status --watch) until
# the controller has seen the current spec and the rollout is Succeeded (exit 0) or Failed (exit 3).
# Returns 1 when it did not end within TIMEOUT_S seconds (exit 4) or the view failed.
watch_rollout() {
  local title="$1" timeout="$2" rc=0
  say "${title}"
  kubectl aviary status "${md}" -n "${ns}" --watch --timeout "${timeout}s" || rc=$?
  ((rc == 0 || rc == 3))
}

# rollout VERSION TITLE: patches the model to VERSION and shows the rollout until it is promoted or fails.
# Returns 0 when it ended (either way) within the timeout.
rollout() {
  local version="$1" title="$2"
  set_version "${version}"
  watch_rollout "${title}" "${rollout_timeout}" || {
    diagnose
    return 1
  }
}

outcome() {
  local phase stable history
  phase="$(md_field .status.phase)"
  stable="$(md_field .status.stableRevision)"
  history="$(kc get modeldeployment "${md}" -n "${ns}" -o json |
    jq -r '(.status.history // [])[-1] | if . then "\(.outcome): \(.reason // "")" else "" end')"
  echo "${phase} (stable ${stable:0:8}) ${history}"
}

main() {
  step_build
  step_cluster
  step_first_version

  say "4/5 rolling out v2, a good model: expect it promoted step by step"
  rollout v2 "Rollout 1 of 2: churn v1 -> v2, a good model (expect: promoted)" || die "the v2 rollout did not end"
  local first first_phase first_stable first_ok=true
  first="$(outcome)"
  first_phase="$(md_field .status.phase)"
  say "v2: ${first}"
  first_stable="$(check_stable v2)" || first_ok=false
  echo "${first_stable}"

  say "4/5 rolling out v3, a bad model (expects 9 features, the clients send 8): expect a rollback"
  rollout v3 "Rollout 2 of 2: churn v2 -> v3, a model that answers 400 (expect: rolled back)" ||
    die "the v3 rollout did not end"
  local second second_phase second_stable second_ok=true
  second="$(outcome)"
  second_phase="$(md_field .status.phase)"
  say "v3: ${second}"
  second_stable="$(check_stable v2)" || second_ok=false
  echo "${second_stable}"

  stop_process demo-loadgen 5 2>/dev/null || true
  summary "${first}; ${first_stable}" "${second}; ${second_stable}"
  if [[ "${first_phase}" != Succeeded || "${second_phase}" != Failed ]] || ! ${first_ok} || ! ${second_ok}; then
    say "unexpected: v2 ended ${first_phase} (expected Succeeded), v3 ended ${second_phase} (expected Failed);" \
      "after v2: ${first_stable}; after v3: ${second_stable}"
    diagnose
    return 1
  fi
}

summary() {
  say "5/5 what happened ($((SECONDS - started_s)) s)"
  cat <<EOF
  v2 (good model):  $1
  v3 (bad model):   $2

  history of ${ns}/${md}:
EOF
  kc get modeldeployment "${md}" -n "${ns}" -o json | jq -r '(.status.history // [])[] |
    "    \(.at)  \(.revision[0:8])  \(.outcome)  \(.reason // "")"'
  cat <<EOF

  now (stable serves 100 %):
$(kubectl aviary get "${md}" -n "${ns}" | sed 's/^/    /')

  the model card of the last rollout (kubectl aviary card ${md} -n ${ns}; its first lines):
$(kubectl aviary card "${md}" -n "${ns}" 2>&1 | head -n 12 | sed 's/^/    /')

Look around (everything stays up until \`make demo-down\`):
  source ${AVIARY_CLUSTER_DIR}/env; export PATH=${AVIARY_CLUSTER_DIR}/bin:\$PATH
  kubectl aviary get -n ${ns}                      # phase, step, weight, revisions (the plugin: $(cli_bin))
  kubectl aviary status ${md} -n ${ns}             # gates against their bounds, conditions, events
  kubectl aviary history ${md} -n ${ns}            # the rollouts that ended
  kubectl aviary card ${md} -n ${ns} --html card.html   # the last rollout's model card, one HTML page
  kubectl get md ${md} -n ${ns} -o yaml            # status: analysis, conditions, history
  kubectl get deploy,svc,httproute,pods -n ${ns}   # what aviary generated; the weights it set
  kubectl get events -n ${ns} --sort-by=.lastTimestamp
  curl -s \$PROMETHEUS_URL/api/v1/query --data-urlencode 'query=sum by (revision, code) (aviary_inference_requests_total)'
  curl -s $(cat "${AVIARY_CLUSTER_DIR}/controller-url")/metrics | grep ^aviary_controller_
  less ${AVIARY_CLUSTER_DIR}/logs/aviary-controller.log
  kubectl patch md ${md} -n ${ns} --type merge -p '{"spec":{"model":{"version":"v2","uri":"file:///models/churn/v2/model.json"}}}'
  make demo-down                                   # stop everything the demo started
EOF
}

main "$@"
