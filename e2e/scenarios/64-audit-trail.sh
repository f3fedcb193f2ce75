#!/usr/bin/env bash
# The audit trail survives a controller restart, end to end (issue 12): the shared controller sends every
# decision to the webhook receiver "audit" through its spool. The receiver refuses (503) from before a new
# revision is applied until after the controller was SIGKILLed past the first step and started again; once
# it accepts, what it received for this rollout, de-duplicated by id keeping the first arrival, is exactly
# what the controller logged for it (its {"audit": lines, both runs), in the same order, with at least one
# StepAdvanced and one Promoted; the restarted controller found the undelivered decisions in its spool.
# Alone: it kills the controller the others share, and refuses their audit records meanwhile.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
ns=e2e-audit-trail name=churn provider=gatewayAPI
key="${ns}/${name}"
controller_log="${AVIARY_CLUSTER_DIR}/logs/${CONTROLLER}.log"
received_file="$(webhook_receiver_out audit)"

# Only what this run logs and receives: an earlier run on the same test bed used the same key.
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }
log_from=$(($(size_of "${controller_log}") + 1))
received_from=$(($(size_of "${received_file}") + 1))
receiver_log="${AVIARY_CLUSTER_DIR}/logs/audit.log"
receiver_log_from=$(($(size_of "${receiver_log}") + 1))

# The ids of this key's audit lines in the controller's log, in order (a line cut short by the SIGKILL is
# not a record: its decision was never spooled either).
logged_ids() {
  tail -c +"${log_from}" "${controller_log}" | grep -a '^{"audit":' |
    jq -R -r --arg k "${key}" 'fromjson? | select(.key == $k) | .id' | awk '!seen[$0]++'
}
# The ids the receiver recorded for this key, in order of first arrival.
received_ids() {
  tail -c +"${received_from}" "${received_file}" 2>/dev/null |
    jq -R -r --arg k "${key}" 'fromjson? | select(.body.key == $k) | .body.id' | awk '!seen[$0]++'
}
trail_complete() {
  local logged
  logged="$(logged_ids)"
  [[ -n "${logged}" && "$(received_ids)" == "${logged}" ]]
}

EXIT_HOOK="webhook_refuse audit off" # never leave the receiver refusing the other scenarios' records
scenario_start "${ns}" "${name}" "${provider}"
traffic_start "${ns}" "${name}" "${provider}"
webhook_refuse audit on
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2
md_wait 90 "${ns}" "${name}" "past the first step" "(.status.currentStep // 0) >= 1 and .status.phase == \"Progressing\""
refused_before_kill="$(tail -c +"${receiver_log_from}" "${receiver_log}" | grep -c 'refused POST' || true)"
spooled_at_kill="$(find "${AVIARY_CLUSTER_DIR}/audit-spool" -name '*.json' | wc -l)"
log "the receiver refused ${refused_before_kill} POSTs so far; records in the spool: ${spooled_at_kill}"
controller_kill
restart_from=$(($(size_of "${controller_log}") + 1))
sleep 2
controller_ensure
webhook_refuse audit off
md_wait 180 "${ns}" "${name}" "Succeeded with the new revision after the restart" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
traffic_stop

((spooled_at_kill > 0)) || fail "no audit record waited in the spool when the controller was killed"
tail -c +"${restart_from}" "${controller_log}" | grep -aq 'undelivered decision(s) found in the spool' ||
  fail "the restarted controller did not find the undelivered decisions in its spool"

wait_until 60 "the receiver to hold every audit record of ${key}, in order" trail_complete || {
  diff <(logged_ids) <(received_ids) >&2 || true
  fail "the receiver's audit trail of ${key} (right) is not what the controller logged (left)"
}
received="$(tail -c +"${received_from}" "${received_file}" | jq -c --arg k "${key}" 'select(.body.key == $k)')"
decisions="$(jq -r '.body.decision' <<<"${received}" | awk '!seen[$0]++' | tr '\n' ' ')"
for decision in StepAdvanced Promoted; do
  jq -s -e --arg d "${decision}" --arg r "${REV2}" 'any(.[]; .body.decision == $d and .body.revision == $r)' \
    <<<"${received}" >/dev/null || fail "no ${decision} decision of ${REV2} received (got: ${decisions})"
done
log "audit trail of ${key}: $(logged_ids | wc -l) decisions logged and received in order ($(wc -l <<<"${received}")" \
  "deliveries, repeats included; $(tail -c +"${receiver_log_from}" "${receiver_log}" | grep -c 'refused POST' || true)" \
  "refused; decisions: ${decisions})"
kc delete namespace "${ns}" --wait=false >/dev/null
