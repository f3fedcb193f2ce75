# Helpers for e2e/scenarios/*.sh. Sourced first thing by each scenario; it runs with errexit and pipefail,
# so any failing command fails the scenario (run.sh then dumps the logs).
# shellcheck shell=bash
set -o errexit -o nounset -o pipefail

# shellcheck source=e2e/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck disable=SC1091
source "${AVIARY_CLUSTER_DIR}/env"

fail() {
  log "FAIL: $*"
  exit 1
}
skip() {
  log "SKIP: $*"
  exit 3
}

# A namespace of its own, deleted first if a previous run left it (scenarios are idempotent).
fresh_namespace() {
  if kc get namespace "$1" >/dev/null 2>&1; then
    kc delete namespace "$1" --wait --timeout 60s >/dev/null
  fi
  kc create namespace "$1" >/dev/null
  wait_until 30 "ServiceAccount default in $1" kc get serviceaccount default -n "$1"
}

# expect_rejected FILE SUBSTRING: the apiserver refuses FILE with a message containing SUBSTRING.
expect_rejected() {
  local out
  if out="$(kc apply --dry-run=server -f "$1" 2>&1)"; then
    fail "$1 was accepted; expected a rejection containing: $2"
  fi
  [[ "${out}" == *"$2"* ]] || fail "$1 was rejected, but not with \"$2\": ${out}"
  log "rejected as expected: $(basename "$1")"
}

# prom_query PROMQL: the first sample's value of an instant query, or nothing.
prom_query() {
  curl -fsS --max-time 5 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode "query=$1" |
    jq -r '.data.result[0].value[1] // empty'
}

# prom_query_at TIME PROMQL: the same, evaluated at TIME (RFC 3339), as a query at that moment saw it.
prom_query_at() {
  curl -fsS --max-time 5 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode "time=$1" --data-urlencode "query=$2" |
    jq -r '.data.result[0].value[1] // empty'
}

# wait_prom TIMEOUT PROMQL JQ_CONDITION: waits until the query's value satisfies e.g. '. >= 2'.
wait_prom() {
  local timeout="$1" query="$2" cond="$3" deadline=$((SECONDS + $1)) v=""
  while ((SECONDS < deadline)); do
    v="$(prom_query "${query}" || true)"
    if [[ -n "${v}" ]] && jq -e "${cond}" <<<"${v}" >/dev/null 2>&1; then
      log "prometheus: ${query} = ${v}"
      return 0
    fi
    sleep 1
  done
  fail "after ${timeout}s, ${query} = '${v}', expected ${cond}"
}

# deploy_revisions NAMESPACE --weights S,C --replicas S,C --args-of FUNCTION [--annotation KEY=VALUE]...
#                  [--env NAME=VALUE]...
# The two revisions of the model churn side by side, as aviary runs them during a rollout: for REV in stable
# and canary, a Deployment churn-REV (S or C replicas) of pods labelled app=churn, aviary.dev/revision=REV and
# aviary.dev/modeldeployment=churn, with the annotations given, whose container aviary-sidecar has the env
# given and the args that FUNCTION REV prints, one a line; a Service churn-REV on port 8080; and an HTTPRoute
# churn that sends S % of the traffic to churn-stable and C % to churn-canary. Returns once both Deployments
# are Available: their pods are Running, but the runner may not have started their processes yet
# (wait_scraped waits for those).
deploy_revisions() {
  local ns="$1" weights="" replicas="" args_of="" annotations=() env=()
  shift
  while (($# > 0)); do
    case "$1" in
    --weights) weights="$2" ;;
    --replicas) replicas="$2" ;;
    --args-of) args_of="$2" ;;
    --annotation) annotations+=("$2") ;;
    --env) env+=("$2") ;;
    *) fail "deploy_revisions: unknown option $1" ;;
    esac
    [[ "$1" != --annotation && "$1" != --env || "$2" == ?*=* ]] || fail "deploy_revisions: $1 $2 is not KEY=VALUE"
    shift 2
  done
  [[ "${weights}" == *,* && "${replicas}" == *,* && -n "${args_of}" ]] ||
    fail "deploy_revisions: --weights S,C, --replicas S,C and --args-of are required"
  local -A weight_of=([stable]="${weights%,*}" [canary]="${weights#*,}")
  local -A replicas_of=([stable]="${replicas%,*}" [canary]="${replicas#*,}")
  # KEY=VALUE pairs as JSON, which is YAML too: an object of annotations, a list of env entries. Each field
  # is left out when empty, so the manifests are those a scenario would write by hand.
  local pairs='map(capture("^(?<k>[^=]+)=(?<v>.*)$"))' annotations_field="" env_field="" rev args_json
  ((${#annotations[@]} == 0)) || annotations_field=$'\n      annotations: '"$(jq -cn --args \
    "\$ARGS.positional | ${pairs} | map({(.k): .v}) | add" "${annotations[@]}")"
  ((${#env[@]} == 0)) || env_field=$'\n        env: '"$(jq -cn --args \
    "\$ARGS.positional | ${pairs} | map({name: .k, value: .v})" "${env[@]}")"
  for rev in stable canary; do
    args_json="$("${args_of}" "${rev}" | jq -Rsc 'split("\n") | map(select(. != ""))')"
    kc apply -n "${ns}" -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: churn-${rev}}
spec:
  replicas: ${replicas_of[${rev}]}
  selector: {matchLabels: {app: churn, aviary.dev/revision: ${rev}}}
  template:
    metadata:
      labels: {app: churn, aviary.dev/revision: ${rev}, aviary.dev/modeldeployment: churn}${annotations_field}
    spec:
      containers:
      - name: aviary-sidecar
        image: example.invalid/aviary-sidecar:dev
        args: ${args_json}${env_field}
---
apiVersion: v1
kind: Service
metadata: {name: churn-${rev}}
spec:
  selector: {app: churn, aviary.dev/revision: ${rev}}
  ports: [{port: 8080}]
YAML
  done
  kc apply -n "${ns}" -f - >/dev/null <<YAML
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: churn}
spec:
  rules:
  - backendRefs:
    - {name: churn-stable, port: 8080, weight: ${weight_of[stable]}}
    - {name: churn-canary, port: 8080, weight: ${weight_of[canary]}}
YAML
  for rev in stable canary; do
    kc wait -n "${ns}" "deployment/churn-${rev}" --for condition=Available --timeout 90s >/dev/null
  done
}

# wait_scraped TIMEOUT NAMESPACE COUNT: waits until Prometheus scrapes exactly COUNT live processes of the
# namespace's pods (the runner starts one per Running pod and stops it with the pod; Prometheus finds them
# through file_sd).
wait_scraped() {
  wait_prom "$1" "count(up{namespace=\"$2\"} == 1)" ". == $3"
}

# send_split NAMESPACE REQUESTS MIN MAX [LOADGEN_ARGS...]: sends REQUESTS inference requests through the
# HTTPRoute churn with dataplane/loadgen.sh (model churn; further arguments passed on), fails unless every
# answer is 200 and the canary's count lies in [MIN, MAX], then waits until Prometheus counts exactly the same
# per revision, as the controller's gates will read them. Sets `canary` and `stable` to the counts.
send_split() {
  local ns=$1 requests=$2 min=$3 max=$4 summary rev
  shift 4
  summary="$("${E2E_DIR}/dataplane/loadgen.sh" --namespace "${ns}" --httproute churn --model churn \
    --requests "${requests}" "$@")"
  log "loadgen: ${summary}"
  canary="$(jq '.by_revision.canary["200"] // 0' <<<"${summary}")"
  stable="$(jq '.by_revision.stable["200"] // 0' <<<"${summary}")"
  ((canary + stable == requests)) ||
    fail "expected ${requests} answers 200, got ${canary} canary + ${stable} stable: ${summary}"
  ((canary >= min && canary <= max)) ||
    fail "canary got ${canary} of ${requests} requests, expected ${min} to ${max}"
  for rev in stable canary; do
    wait_prom 30 "sum(aviary_inference_requests_total{namespace=\"${ns}\",revision=\"${rev}\",code=\"200\"})" \
      ". == ${!rev}"
  done
}
