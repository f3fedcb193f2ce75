#!/usr/bin/env bash
# (f) Prometheus stopped mid-analysis (after the first step passed its gate): the rollout holds where it is,
# with MetricsUnavailable=True, and neither promotes nor counts a failed check (failureLimit is 1, so one
# error taken for a failure would roll back); once Prometheus is back (dataplane/prometheus.sh start: same
# port, same data) the condition clears and the rollout completes. Runs alone: every scenario reads
# Prometheus.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
ns=e2e-prometheus-down name=churn provider=gatewayAPI interval_s=6

restart_prometheus() {
  if ! process_alive prometheus; then
    "${E2E_DIR}/dataplane/prometheus.sh" start
  fi
}
scenario_start "${ns}" "${name}" "${provider}"
traffic_start "${ns}" "${name}" "${provider}"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --interval "${interval_s}s" \
  --steps '[{setWeight: 20}, {setWeight: 40}, {setWeight: 60}]'
md_wait 90 "${ns}" "${name}" "past the first step's gate" \
  ".status.canaryRevision == \"${REV2}\" and (.status.currentStep // 0) >= 1 and .status.phase == \"Progressing\""
EXIT_HOOK=restart_prometheus
"${E2E_DIR}/dataplane/prometheus.sh" stop
log "Prometheus stopped at $(md_summary "${ns}" "${name}")"
md_wait 30 "${ns}" "${name}" "holding with MetricsUnavailable" "$(cond MetricsUnavailable).status == \"True\""
log "MetricsUnavailable: $(jq -r "$(cond MetricsUnavailable).message" <<<"${MD}")"
step="$(jq -r ".status.currentStep // 0" <<<"${MD}")" weight="$(jq -r ".status.canaryWeight // 0" <<<"${MD}")"
md_hold $((2 * interval_s + 2)) "${ns}" "${name}" "held at step ${step} (${weight} %), no failed check" \
  ".status.phase == \"Progressing\" and (.status.currentStep // 0) == ${step} and (.status.canaryWeight // 0) == ${weight} and
   (.status.failedChecks // 0) == 0 and $(cond MetricsUnavailable).status == \"True\""
route_is "${ns}" "${name}" "$((100 - weight)) ${weight}" || fail "the HTTPRoute moved while metrics were unavailable: $(route_weights "${ns}" "${name}")"
"${E2E_DIR}/dataplane/prometheus.sh" start
log "Prometheus back at $(cat "${AVIARY_CLUSTER_DIR}/prometheus-url")"
md_wait 60 "${ns}" "${name}" "MetricsUnavailable cleared" "($(cond MetricsUnavailable).status // \"False\") != \"True\""
md_wait 120 "${ns}" "${name}" "Succeeded with the new revision" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
canary_cut "${ns}" "${name}" "${provider}"
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
