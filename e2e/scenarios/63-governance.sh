#!/usr/bin/env bash
# Governance (issue 12) on the real controller, sidecars and Prometheus. Replicas provider, two pods a revision.
# (1) The model card of a promoted revision, read back from its ConfigMap, agrees field by field with the
#     spec (model, provenance, gates and thresholds), the status (outcome, reason, time, the stable it
#     replaced, the last round's values) and Prometheus (each drift sample is what the gauge said at that
#     time; no request to the canary failed, so every error-rate sample is 0); its timeline went through the
#     spec's weights in order, its Markdown names it, its HTML has one chart per gate.
# (2) The retraining trigger: drifted load on the stable (requests/churn/drifted.json) sets DriftDetected,
#     emits an Event and calls the webhook once, signed with the Secret's key (the receiver verifies the
#     HMAC); still once while the drift goes on, across a controller restart (SIGKILL); clean load clears
#     the condition; a second drifted episode calls once more, with another id.
# Runs in a group of its own: it restarts the shared controller.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
# shellcheck source=e2e/lib/webhooks.sh
source "${E2E_DIR}/lib/webhooks.sh"
ns=e2e-governance name=churn provider=replicas

hmac_key="$(head -c 24 /dev/urandom | base64 | tr -d '\n')"
key_file="${AVIARY_CLUSTER_DIR}/drift-hmac-key"
printf '%s' "${hmac_key}" >"${key_file}"
# A receiver of its own, fresh: only this run's calls, checked with this run's key.
receiver_out="$(webhook_receiver_out drift)"
! process_alive drift || webhook_receiver_stop drift
: >"${receiver_out}"
webhook_receiver_start drift --secret-file "${key_file}" >/dev/null
provenance='{dataset: {uri: "s3://datasets/churn/2026-11", sha256: "9f2c5a0e4b7d18c3f6a9e2d5b8c1f4a7e0d3b6c9f2a5e8d1b4c7f0a3e6d9b2c5"},
  trainingRun: "https://mlflow.example/#/runs/e2e-63", codeCommit: 0123456789abcdef0123456789abcdef01234567,
  owner: risk-models@example.com, intendedUse: "Ranking retention offers; not for credit decisions.",
  labels: {team: risk, regulation: eu-ai-act/limited}}'
monitoring="{drift: {metric: featureDriftKS, max: 0.3, for: 10s, interval: 5s,
  webhook: {url: \"$(webhook_receiver_url drift)/retrain\", secretRef: {name: retrain-hook, key: hmac}}}}"
metrics='[{name: error-rate, builtin: errorRate, max: 5}, {name: drift-ks, builtin: featureDriftKS, max: 0.3}]'
manifest=(--provenance "${provenance}" --monitoring "${monitoring}" --metrics "${metrics}")

scenario_start "${ns}" "${name}" "${provider}" "${manifest[@]}"
kc create secret generic retrain-hook -n "${ns}" --from-file=hmac="${key_file}" >/dev/null

# ---- (1) the model card of a promoted revision
traffic_start "${ns}" "${name}" "${provider}"
t0="${EPOCHREALTIME}"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 "${manifest[@]}"
md_wait 180 "${ns}" "${name}" "Succeeded with the new revision" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
status_md="${MD}"
cm="${name}-${REV2}-card"
wait_until 30 "the card ConfigMap ${cm}" kc get configmap "${cm}" -n "${ns}" -o name ||
  fail "no ConfigMap ${cm}: $(kc get configmaps -n "${ns}" -o name | tr '\n' ' ')"
cm_json="$(kc get configmap "${cm}" -n "${ns}" -o json)"
card="$(jq -r '.data["card.json"]' <<<"${cm_json}")"

# jq: ts, an RFC 3339 time (with or without a fraction) in seconds.
TS='def ts: (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) + ((capture("\\.(?<f>[0-9]+)Z$").f // "0") | "0." + . | tonumber);'
# expect_card JQ DESCRIPTION [SHOWN]: JQ holds of the card, with $md the ModelDeployment as it is now.
expect_card() {
  jq -e --argjson md "${status_md}" "${TS} $1" <<<"${card}" >/dev/null ||
    fail "model card: expected $2 ($1); the card says $(jq -c "${3:-.}" <<<"${card}" | head -c 2000)"
}
expect_card '.revision == $md.status.stableRevision and .replaced == "'"${REV1}"'" and .namespace == "'"${ns}"'" and
  .deployment == "'"${name}"'"' "the revision and the stable it replaced" '{revision, replaced, namespace, deployment}'
expect_card '.model == $md.spec.model' "the spec's model, provenance included" '.model'
expect_card '$md.status.history[-1] as $h | .outcome == $h.outcome and .reason == $h.reason and
  (.decidedAt | ts) == ($h.at | ts)' \
  "the outcome, reason and time of the last history entry" '{outcome, reason, decidedAt}'
expect_card '(.startedAt | ts) <= (.decidedAt | ts)' \
  "a start before the decision" '{startedAt, decidedAt}'
expect_card '[.timeline[].weight] as $w | ($w | index(30)) != null and ($w | index(60)) != null and
  ($w | index(30)) < ($w | index(60))' "a timeline through the weights 30 then 60" '[.timeline[] | {what, weight}]'
expect_card '[.timeline[].at | ts] as $t | $t == ($t | sort)' \
  "a timeline in time order" '[.timeline[].at]'
expect_card '[.gates[] | {name, max}] == [$md.spec.analysis.metrics[] | {name, max}]' \
  "one series per gate of the spec, with its threshold" '[.gates[] | {name, max}]'
expect_card '[.gates[] | .samples | length > 0] | all' "samples for every gate" '[.gates[] | .samples | length]'
expect_card '[.gates[] | {name, value: .samples[-1].value}] == [$md.status.analysis[] | {name, value}]' \
  "the last samples as the status's last round" '[.gates[] | {name, last: .samples[-1]}]'
expect_card '[.gates[] | select(.name == "error-rate") | .samples[].value | select(. != null)] |
  length > 0 and all(. == 0)' "a zero error rate in every round with data" '.gates[0]'
errors="$(prom_query "sum(increase(aviary_inference_requests_total{namespace=\"${ns}\",revision=\"${REV2}\",code!~\"2..\"}$(since "${t0}"))) or vector(0)")"
[[ "${errors}" == 0 ]] || fail "Prometheus counts ${errors} failed requests to ${REV2}; the card says none"
# Each drift sample is the gauge as Prometheus had it when the controller asked: at that time, or a scrape
# (2 s) before it when the sample at that time had not been stored yet.
drift_query="max(aviary_feature_drift{namespace=\"${ns}\",revision=\"${REV2}\",stat=\"ks\"})"
checked=0
while IFS=$'\t' read -r at value; do
  t="$(date -u -d "${at}" +%s.%N)"
  seen=()
  for back in 0 2 4; do
    seen+=("$(prom_query_at "$(bc <<<"${t} - ${back}")" "${drift_query}")")
  done
  jq -en --argjson v "${value}" '$ARGS.positional | map(select(. != "") | tonumber) | any(. - $v | fabs < 1e-9)' \
    --args "${seen[@]}" >/dev/null || fail "card's drift-ks at ${at} is ${value}; Prometheus had ${seen[*]}"
  checked=$((checked + 1))
done < <(jq -r '.gates[] | select(.name == "drift-ks") | .samples[] | select(.value != null) | [.at, .value] | @tsv' <<<"${card}")
((checked > 0)) || fail "the card has no drift-ks value"
log "model card: ${checked} drift-ks samples agree with Prometheus"
jq -r '.data["card.md"]' <<<"${cm_json}" | grep -q "${REV2}" || fail "card.md does not name ${REV2}"
jq -r '.data["card.md"]' <<<"${cm_json}" | grep -q "Promoted" || fail "card.md does not say Promoted"
html="$(jq -r '.data["card.html"]' <<<"${cm_json}")"
[[ "${html}" == "<!DOCTYPE html>"* ]] || fail "card.html is not an HTML page: ${html:0:80}"
charts="$(grep -o '<svg' <<<"${html}" | wc -l)"
((charts == 2)) || fail "card.html has ${charts} charts for 2 gates"
log "model card ${cm}: agrees with the spec, the status and Prometheus"

# ---- (2) the retraining trigger on the stable
# drift_calls: the webhook calls about this ModelDeployment, one JSON a line.
drift_calls() {
  jq -c --arg ns "${ns}" 'select(.body.modelDeployment.namespace == $ns)' "${receiver_out}" 2>/dev/null || true
}
drift_call_count() { drift_calls | grep -c . || true; }
detected='('"$(cond DriftDetected)"' | .status == "True") and (.status.drift.notified // false)'
cleared='('"$(cond DriftDetected)"' | .status == "False") and .status.drift == null'
[[ "$(drift_call_count)" == 0 ]] || fail "the webhook was called before any drift: $(drift_calls)"

traffic_stop
traffic_start "${ns}" "${name}" "${provider}" --body "${BODIES_DIR}/drifted.json"
md_wait 90 "${ns}" "${name}" "DriftDetected, the webhook told" "${detected}"
wait_until 10 "the receiver to hold the call" test "$(drift_call_count)" -ge 1
first="$(drift_calls | head -n 1)"
jq -e --arg rev "${REV2}" '.signature_ok == true and .path == "/retrain" and .body.kind == "DriftDetected" and
  .body.revision == $rev and .body.metric == "featureDriftKS" and .body.value > 0.3 and .body.max == 0.3 and
  .body.for == "10s" and (.body.id | length) > 0' <<<"${first}" >/dev/null ||
  fail "the webhook call is not a signed DriftDetected about ${REV2} above 0.3: ${first}"
jq -e "${TS}"' (.status.drift.detectedAt | ts) - (.status.drift.aboveSince | ts) >= 10' \
  <<<"${MD}" >/dev/null || fail "detected less than 10s (for) after the drift began: $(jq -c .status.drift <<<"${MD}")"
at_detection="$(prom_query_at "$(jq -r .status.drift.detectedAt <<<"${MD}")" "max(aviary_feature_drift{namespace=\"${ns}\",revision=\"${REV2}\",stat=\"ks\"})")"
jq -en --argjson v "${at_detection:-0}" '$v > 0.3' >/dev/null ||
  fail "Prometheus had the stable's KS at ${at_detection:-nothing} when the controller saw drift"
events_name "${ns}" "${name}" "Warning DriftDetected" || fail "no DriftDetected Event: $(md_events "${ns}" "${name}")"
grep -a '^{"audit":' "${AVIARY_CLUSTER_DIR}/logs/${CONTROLLER}.log" |
  jq -e --arg key "${ns}/${name}" --arg rev "${REV2}" 'select(.key == $key and .decision == "DriftDetected" and .revision == $rev)' \
    >/dev/null || fail "no DriftDetected audit line for ${ns}/${name}"
log "drift episode 1: condition, Event, audit line and one signed call ($(jq -c '.body | {id, value}' <<<"${first}"))"

controller_kill
sleep 2
controller_ensure
md_hold 12 "${ns}" "${name}" "DriftDetected while the drift goes on" "$(cond DriftDetected) | .status == \"True\""
[[ "$(drift_call_count)" == 1 ]] || fail "one episode, $(drift_call_count) webhook calls: $(drift_calls)"

traffic_stop
traffic_start "${ns}" "${name}" "${provider}"
md_wait 60 "${ns}" "${name}" "DriftDetected cleared by clean load" "${cleared}"
events_name "${ns}" "${name}" "Normal DriftCleared" || fail "no DriftCleared Event: $(md_events "${ns}" "${name}")"
[[ "$(drift_call_count)" == 1 ]] || fail "clearing called the webhook: $(drift_calls)"

traffic_stop
traffic_start "${ns}" "${name}" "${provider}" --body "${BODIES_DIR}/drifted.json"
md_wait 90 "${ns}" "${name}" "DriftDetected again, the webhook told" "${detected}"
wait_until 10 "the receiver to hold the second call" test "$(drift_call_count)" -ge 2
sleep 11  # two more readings: still two calls
[[ "$(drift_call_count)" == 2 ]] || fail "two episodes, $(drift_call_count) webhook calls: $(drift_calls)"
drift_calls | jq -se 'map(.signature_ok) == [true, true] and (.[0].body.id != .[1].body.id)' >/dev/null ||
  fail "the two episodes' calls are not both signed with distinct ids: $(drift_calls)"
log "drift episode 2: one more signed call with its own id"
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
