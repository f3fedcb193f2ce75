#!/usr/bin/env bash
# The Grafana dashboard (deploy/grafana/aviary-dashboard.json) and the alerts (deploy/prometheus) against the
# test bed's Prometheus, which scrapes the sidecars and, as job aviary-controller, the controller:
# - promtool checks the rules file and runs its unit tests;
# - a real rollout (replicas provider, gates errorRate, latencyP99 and featureDriftKS, load on both revisions)
#   is held at an indefinite pause at 50 %; then every PromQL query of the dashboard (each panel's targets and
#   the template variables' label_values) runs with the variables set to this rollout, and each must answer
#   without error and with at least one series; the rollout is promoted and every query runs again, each must
#   answer without error (a gate's value may be gone), and the outcome counters must show the promotion;
# - Prometheus evaluates every alert rule without error, and AviaryControllerNoLeader is not firing while the
#   controller leads.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-dashboard name=churn provider=replicas
dashboard="${REPO_ROOT}/deploy/grafana/aviary-dashboard.json"
rules="${REPO_ROOT}/deploy/prometheus"

command -v promtool >/dev/null || fail "promtool is not installed (Debian package prometheus)"
promtool check rules "${rules}/aviary-alerts.yaml" >&2 || fail "promtool check rules failed"
promtool test rules "${rules}/aviary-alerts_test.yaml" >&2 || fail "promtool test rules failed"

# dashboard_queries: "WHAT<TAB>PROMQL" for every panel target and every template variable, with the
# variables set to this scenario's ModelDeployment and label_values(M, L) written as the query Grafana sends.
dashboard_queries() {
  jq -r '(.panels[] | select(.targets) | .title as $t | .targets[] | ["panel \"\($t)\" \(.refId)", .expr]),
         (.templating.list[] | select(.type == "query") | ["variable \(.name)", .query.query]) | @tsv' \
    "${dashboard}" |
    sed -E -e "s/\\\$namespace/${ns}/g" -e "s/\\\$name/${name}/g" -e 's/\$__rate_interval/30s/g' \
      -e 's/\tlabel_values\((.*), *([a-z_]+)\)$/\tgroup by (\2) (\1)/'
}

# series_of PROMQL: the number of series PROMQL answers now; fails (with Prometheus's error) on an error.
series_of() {
  local out
  out="$(curl -sS --max-time 10 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode "query=$1")" || return 2
  jq -e '.status == "success"' <<<"${out}" >/dev/null || {
    QUERY_ERROR="$(jq -r '.error // .' <<<"${out}")"
    return 2
  }
  jq -r '.data.result | length' <<<"${out}"
}
has_series() { local n; n="$(series_of "$1")" && ((n > 0)); }

# check_queries MODE: every dashboard query answers (MODE "answer") or answers with a series ("series").
check_queries() {
  local mode="$1" what expr n failures=() count=0
  while IFS=$'\t' read -r what expr; do
    count=$((count + 1))
    QUERY_ERROR=""
    if ! n="$(series_of "${expr}")"; then
      failures+=("${what}: error ${QUERY_ERROR}: ${expr}")
      continue
    fi
    if [[ "${mode}" == series ]] && ((n == 0)); then
      # Scrapes every 2 s and rates over 30 s: give a new series a little time.
      if ! wait_until 40 "${what} to have a series" has_series "${expr}"; then
        failures+=("${what}: no series: ${expr}")
        continue
      fi
      n="$(series_of "${expr}")"
    fi
    log "${what}: ${n} series"
  done < <(dashboard_queries)
  ((count >= 20)) || fail "only ${count} dashboard queries found in ${dashboard}"
  ((${#failures[@]} == 0)) || fail "dashboard queries failed (${mode}):$(printf '\n  %s' "${failures[@]}")"
  log "all ${count} dashboard queries answered (${mode})"
}

controller_ensure # first: it finalizes what a previous run left in the namespace
fresh_namespace "${ns}"
on_failure "${ns}" "${name}"
wait_prom 60 'count(up{job="aviary-controller"} == 1)' '. == 1'
first_rollout "${ns}" "${name}" "${provider}"
traffic_start "${ns}" "${name}" "${provider}"
metrics='[{name: error-rate, builtin: errorRate, max: 5}, {name: latency-p99, builtin: latencyP99, max: 2000},
  {name: drift-ks, builtin: featureDriftKS, max: 0.9}]'
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --metrics "${metrics}" \
  --steps '[{setWeight: 50}, {pause: {duration: 20s}}, {pause: {}}, {setWeight: 100}]'
md_wait 180 "${ns}" "${name}" "held at the indefinite pause at 50 %" \
  ".status.phase == \"Paused\" and (.status.canaryWeight // 0) == 50 and (.status.analysis // [] | length) == 3"
wait_prom 30 "aviary_controller_canary_weight{namespace=\"${ns}\",name=\"${name}\"}" '. == 50'
check_queries series

md_request "${ns}" "${name}" '{"promote":"full"}'
md_wait 180 "${ns}" "${name}" "promoted" ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
wait_prom 30 "aviary_controller_rollout_phase{namespace=\"${ns}\",name=\"${name}\",phase=\"Succeeded\"}" '. == 1'
wait_prom 30 'sum(aviary_controller_promotions_total)' '. >= 2'
check_queries answer
traffic_stop

rules_json="$(curl -fsS --max-time 10 "${PROMETHEUS_URL}/api/v1/rules")"
# The alerts the file declares, by name, are the ones Prometheus loaded.
declared="$(sed -n 's/^ *- alert: *//p' "${rules}/aviary-alerts.yaml" | LC_ALL=C sort | paste -sd ' ')"
loaded="$(jq -r '[.data.groups[].rules[] | select(.type == "alerting") | .name] | sort | join(" ")' <<<"${rules_json}")"
[[ -n "${declared}" && "${loaded}" == "${declared}" ]] ||
  fail "Prometheus loaded the alerts [${loaded}], ${rules}/aviary-alerts.yaml declares [${declared}]"
bad="$(jq -c '[.data.groups[].rules[] | select(.health != "ok") | {name, health, lastError}]' <<<"${rules_json}")"
[[ "${bad}" == "[]" ]] || fail "alert rules that do not evaluate: ${bad}"
no_leader_inactive() {
  curl -fsS --max-time 10 "${PROMETHEUS_URL}/api/v1/rules" |
    jq -e '.data.groups[].rules[] | select(.name == "AviaryControllerNoLeader") | .state == "inactive"' >/dev/null
}
wait_until 30 "AviaryControllerNoLeader to be inactive" no_leader_inactive ||
  fail "AviaryControllerNoLeader is not inactive while the controller leads"
log "Prometheus evaluates the alerts (${declared}) without error; AviaryControllerNoLeader is inactive"
kc delete namespace "${ns}" --wait=false >/dev/null
