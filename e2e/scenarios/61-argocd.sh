#!/usr/bin/env bash
# Argo CD's health and actions for ModelDeployment (deploy/argocd), run through Argo CD's own Lua runtime
# (e2e/tools/argocd-lua, built once from the Argo CD module pinned in versions.env):
# 1. the fixtures: every case of health_test.yaml and actions/action_test.yaml, and deploy/argocd/argocd-cm.yaml
#    generated from the scripts (Argo CD reads the scripts from there);
# 2. live, on a real rollout (replicas provider, no gates): the health Argo CD shows for the object as the API
#    server returns it (Healthy, Suspended at an indefinite pause and under a user pause, Progressing, Degraded
#    after an abort), and each action sent the way Argo CD's server sends it (the merge patch of the action's
#    result, status part to the status subresource), which the controller carries out: pause, resume,
#    promote, abort, retry, promote-full.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-argocd name=churn provider=replicas
steps='[{pause: {duration: 1h}}, {setWeight: 50}, {pause: {}}, {setWeight: 100}, {pause: {duration: 1h}}]'
configmap="${REPO_ROOT}/deploy/argocd/argocd-cm.yaml"

"${REPO_ROOT}/e2e/tools/argocd-lua/run.sh" test || fail "the Argo CD fixtures failed (output above)"
tool="$(bin_path argocd-lua)"

# health_is STATUS [MESSAGE_REGEX]: the health Argo CD computes for the ModelDeployment as it is now.
health_is() {
  local got
  got="$(kc get modeldeployments.aviary.dev "${name}" -n "${ns}" -o yaml | "${tool}" health "${configmap}" -)" ||
    return 1
  HEALTH="${got}"
  jq -e --arg s "$1" --arg m "${2:-}" '.status == $s and (.message // "" | test($m))' <<<"${got}" >/dev/null
}
expect_health() {
  wait_until 30 "Argo CD health $1" health_is "$@" || fail "Argo CD health is ${HEALTH:-none}, expected $1 ${2:-}"
  log "Argo CD health: ${HEALTH}"
}
# enabled ACTION: Argo CD's action discovery offers ACTION (not disabled) for the object as it is now.
enabled() {
  kc get modeldeployments.aviary.dev "${name}" -n "${ns}" -o yaml | "${tool}" discover "${configmap}" - |
    jq -e --arg a "$1" 'map(select(.name == $a and (.disabled // false) == false)) | length == 1' >/dev/null
}
# run_action ACTION: runs ACTION on the live object and sends its patches as Argo CD's server does.
run_action() {
  local patches
  enabled "$1" || fail "Argo CD would not offer $1 now ($(md_summary "${ns}" "${name}"))"
  patches="$(kc get modeldeployments.aviary.dev "${name}" -n "${ns}" -o yaml | "${tool}" action "${configmap}" "$1" -)"
  log "${ns}/${name}: Argo CD action $1 sends ${patches}"
  jq -e '.status != null and .main == null' <<<"${patches}" >/dev/null ||
    fail "action $1 should change status only, got ${patches}"
  kc patch modeldeployments.aviary.dev "${name}" -n "${ns}" --subresource=status --type=merge \
    -p "$(jq -c .status <<<"${patches}")" >/dev/null
}

controller_ensure # first: it finalizes what a previous run left in the namespace
fresh_namespace "${ns}"
on_failure "${ns}" "${name}"
first_rollout "${ns}" "${name}" "${provider}" --metrics '[]'
expect_health Healthy "serves 100%"
! enabled promote || fail "promote is offered while nothing rolls out"

new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --metrics '[]' --steps "${steps}"
expect_health Progressing
! enabled retry || fail "retry is offered while a rollout runs"
run_action promote
md_wait 60 "${ns}" "${name}" "through 50 % to the indefinite pause" \
  ".status.phase == \"Paused\" and (.status.currentStep // 0) == 2 and (.status.canaryWeight // 0) == 50"
expect_health Suspended "awaiting promotion"
run_action promote
md_wait 60 "${ns}" "${name}" "through 100 % to the last pause" \
  ".status.phase == \"Progressing\" and (.status.currentStep // 0) == 4 and (.status.canaryWeight // 0) == 100"
expect_health Progressing
run_action pause
md_wait 30 "${ns}" "${name}" "paused by the user" ".status.phase == \"Paused\" and .status.pausedByUser == true"
expect_health Suspended "paused by request"
enabled resume || fail "resume is not offered while paused by the user"
! enabled pause || fail "pause is offered while already paused"
run_action resume
md_wait 30 "${ns}" "${name}" "resumed" ".status.phase == \"Progressing\" and (.status.pausedByUser // false) == false"
run_action promote-full
md_wait 120 "${ns}" "${name}" "promoted" ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
expect_health Healthy "serves 100%"

new_revision "${ns}" "${name}" "${provider}" --version 3 --model churn/v1 --metrics '[]' --steps "${steps}"
v3="${REV2}"
run_action abort
md_wait 90 "${ns}" "${name}" "aborted" ".status.phase == \"Failed\" and $(cond Stalled).reason == \"Aborted\""
expect_health Degraded "^Aborted: rolled back"
enabled retry || fail "retry is not offered after an abort"
run_action retry
md_wait 60 "${ns}" "${name}" "retrying from step 0" \
  ".status.phase != \"Failed\" and .status.canaryRevision == \"${v3}\""
run_action promote-full
md_wait 120 "${ns}" "${name}" "the retried revision promoted" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${v3}\""
expect_health Healthy "serves 100%"
kc delete namespace "${ns}" --wait=false >/dev/null
