#!/usr/bin/env bash
# (h) Manual control through status.requests, as kubectl-aviary sends it (replicas provider, no gates):
# pause holds the rollout (Paused, pausedByUser, Reconciling Paused) and resume lets it go on; promote step
# finishes the current step, including an indefinite pause; promote full promotes at once; abort rolls a
# rollout back (Failed, Stalled Aborted, history Aborted, the canary scaled away); retry restarts the failed
# revision from step 0, and it can then be promoted.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-manual name=churn provider=replicas
steps='[{pause: {duration: 1h}}, {setWeight: 50}, {pause: {}}, {setWeight: 100}, {pause: {duration: 1h}}]'

scenario_start "${ns}" "${name}" "${provider}" --metrics '[]'
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --metrics '[]' --steps "${steps}"
md_wait 30 "${ns}" "${name}" "at step 0 (pause 1h)" "(.status.currentStep // 0) == 0"

md_request "${ns}" "${name}" '{"paused":true}'
md_wait 30 "${ns}" "${name}" "paused by the user" \
  ".status.phase == \"Paused\" and .status.pausedByUser == true and $(cond Reconciling).reason == \"Paused\""
md_hold 3 "${ns}" "${name}" "still paused at step 0" ".status.phase == \"Paused\" and (.status.currentStep // 0) == 0"
md_request "${ns}" "${name}" '{"paused":false}'
md_wait 30 "${ns}" "${name}" "resumed" \
  ".status.phase == \"Progressing\" and (.status.pausedByUser // false) == false and (.status.currentStep // 0) == 0"

md_request "${ns}" "${name}" '{"promote":"step"}'
md_wait 60 "${ns}" "${name}" "through 50 % to the indefinite pause" \
  ".status.phase == \"Paused\" and (.status.currentStep // 0) == 2 and (.status.canaryWeight // 0) == 50"
md_request "${ns}" "${name}" '{"promote":"step"}'
md_wait 60 "${ns}" "${name}" "through 100 % to the last pause" \
  ".status.phase == \"Progressing\" and (.status.currentStep // 0) == 4 and (.status.canaryWeight // 0) == 100"
md_request "${ns}" "${name}" '{"promote":"full"}'
md_wait 120 "${ns}" "${name}" "promoted" ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
v2="${REV2}"

new_revision "${ns}" "${name}" "${provider}" --version 3 --model churn/v1 --metrics '[]' --steps "${steps}"
v3="${REV2}"
md_request "${ns}" "${name}" '{"abort":true}'
md_wait 90 "${ns}" "${name}" "aborted" \
  ".status.phase == \"Failed\" and $(cond Stalled).status == \"True\" and $(cond Stalled).reason == \"Aborted\""
jq -e ".status.stableRevision == \"${v2}\" and .status.history[-1].revision == \"${v3}\" and
  .status.history[-1].outcome == \"Aborted\"" <<<"${MD}" >/dev/null ||
  fail "after abort: $(jq -c '{stable: .status.stableRevision, history: .status.history}' <<<"${MD}")"
wait_until 60 "the aborted canary's pods to be gone" no_pods "${ns}" "aviary.dev/revision=${v3}" ||
  fail "pods of the aborted revision are left: $(pods_of "${ns}" "aviary.dev/revision=${v3}" | tr '\n' ' ')"

md_request "${ns}" "${name}" '{"retry":true}'
md_wait 60 "${ns}" "${name}" "retrying the aborted revision from step 0" \
  ".status.phase == \"Progressing\" and .status.canaryRevision == \"${v3}\" and (.status.currentStep // 0) == 0"
md_request "${ns}" "${name}" '{"promote":"full"}'
md_wait 120 "${ns}" "${name}" "the retried revision promoted" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${v3}\""
jq -e '(.status.requests // {}) | (.promote // "") == "" and (.abort // false) == false and (.retry // false) == false' \
  <<<"${MD}" >/dev/null || fail "requests were not consumed: $(jq -c .status.requests <<<"${MD}")"
kc delete namespace "${ns}" --wait=false >/dev/null
