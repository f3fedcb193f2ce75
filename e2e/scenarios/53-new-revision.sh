#!/usr/bin/env bash
# (g) A new revision applied mid-rollout (v2 at step 0 with 50 % of the traffic) replaces the canary: the
# rollout restarts from step 0 on v3 with no failed check carried over, v2's pods go and take no more
# traffic, v3's analysis rounds run after the switch (the step waits for a pass of its own), it reaches the
# indefinite pause, and a promote --full makes v3 the stable.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-new-revision name=churn provider=gatewayAPI

scenario_start "${ns}" "${name}" "${provider}"
traffic_start "${ns}" "${name}" "${provider}"
steps='[{setWeight: 50}, {pause: {}}]'
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --steps "${steps}"
v2="${REV2}"
md_wait 60 "${ns}" "${name}" "v2 at step 0 with 50 %" "(.status.currentStep // 0) == 0 and (.status.canaryWeight // 0) == 50"
expect_revision_traffic "${ns}" "${v2}"
switched_at="$(date -u +%s)"
new_revision "${ns}" "${name}" "${provider}" --version 3 --model churn/v1 --steps "${steps}"
v3="${REV2}"
[[ "${v3}" != "${v2}" ]] || fail "v3 got v2's revision"
jq -e '(.status.currentStep // 0) == 0 and (.status.failedChecks // 0) == 0' <<<"${MD}" >/dev/null ||
  fail "the new revision did not restart at step 0 with no failed check: $(md_summary "${ns}" "${name}")"
jq -e ".status.stableRevision == \"${REV1}\"" <<<"${MD}" >/dev/null || fail "the stable changed on a new revision"
expect_no_revision_traffic "${ns}" "${v2}"
md_wait 90 "${ns}" "${name}" "v3 through step 0 (a passing round of its own) to the indefinite pause" \
  ".status.canaryRevision == \"${v3}\" and .status.phase == \"Paused\" and (.status.currentStep // 0) == 1"
last="$(jq -r '.status.lastAnalysisAt // empty' <<<"${MD}")"
[[ -n "${last}" ]] || fail "no analysis round recorded for v3: $(jq -c .status <<<"${MD}")"
last_s="$(date -u -d "${last}" +%s)"
((last_s >= switched_at)) || fail "the last analysis round (${last}) predates the switch to v3"
log "v3's round at ${last} passed: $(jq -c '[.status.analysis[] | {name, value, result}]' <<<"${MD}")"
expect_revision_traffic "${ns}" "${v3}"
md_request "${ns}" "${name}" '{"promote":"full"}'
md_wait 120 "${ns}" "${name}" "Succeeded with v3" ".status.phase == \"Succeeded\" and .status.stableRevision == \"${v3}\""
[[ "$(jq -r '.status.history[-1].revision' <<<"${MD}")" == "${v3}" ]] || fail "history: $(jq -c .status.history <<<"${MD}")"
jq -e "[.status.history[] | select(.revision == \"${v2}\" and .outcome == \"Promoted\")] | length == 0" <<<"${MD}" >/dev/null ||
  fail "the replaced v2 appears promoted in the history: $(jq -c .status.history <<<"${MD}")"
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
