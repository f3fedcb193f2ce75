#!/usr/bin/env bash
# (i) The controller killed with SIGKILL mid-rollout (past the first step) and started again: the rollout
# ends exactly as without the kill (scenario 50's checks): Succeeded with the new revision, one Promoted
# history entry, the HTTPRoute at 100/0, the old revision's pods gone and Prometheus seeing traffic only on
# the new one. Runs in a group of its own: the other scenarios share this controller.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
ns=e2e-controller-kill name=churn provider=gatewayAPI

scenario_start "${ns}" "${name}" "${provider}"
traffic_start "${ns}" "${name}" "${provider}"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2
md_wait 90 "${ns}" "${name}" "past the first step" "(.status.currentStep // 0) >= 1 and .status.phase == \"Progressing\""
controller_kill
sleep 2
controller_ensure
md_wait 180 "${ns}" "${name}" "Succeeded with the new revision after the restart" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
jq -e "[.status.history[] | select(.revision == \"${REV2}\")] | length == 1 and .[0].outcome == \"Promoted\"" \
  <<<"${MD}" >/dev/null || fail "history after the restart: $(jq -c .status.history <<<"${MD}")"
canary_cut "${ns}" "${name}" "${provider}"
expect_no_revision_traffic "${ns}" "${REV1}"
expect_revision_traffic "${ns}" "${REV2}"
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
