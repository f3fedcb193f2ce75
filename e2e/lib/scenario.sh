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
