#!/usr/bin/env bash
# An abort that arrives while a promotion is under way, after the stable Deployment already took the new
# revision (gatewayAPI: traffic is back on the stable, the canary waits out its scaleDownDelay): the rollback
# restores the old stable's pod template from its ReplicaSet, the stable's pods run the old revision again and
# serve all traffic, and the ModelDeployment ends Failed with reason Aborted.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-abort-promotion name=churn provider=gatewayAPI
args=(--metrics '[]' --scale-down-delay 20s)

stable_template_revision() {
  kc get deployment "${name}-stable" -n "${ns}" -o json |
    jq -r '.spec.template.metadata.labels["aviary.dev/revision"] // ""'
}
stable_model_uri() {
  kc get deployment "${name}-stable" -n "${ns}" -o json | jq -r '.spec.template.spec.containers[] |
    select(.name == "aviary-sidecar") | .args[] | select(startswith("--model-uri=")) | ltrimstr("--model-uri=")'
}
stable_runs() {
  [[ -n "$(pods_of "${ns}" "aviary.dev/role=stable,aviary.dev/revision=$1")" ]] &&
    [[ -z "$(pods_of "${ns}" "aviary.dev/role=stable,aviary.dev/revision!=$1")" ]]
}

scenario_start "${ns}" "${name}" "${provider}" "${args[@]}"
v1="${REV1}"
v1_uri="$(stable_model_uri)"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 "${args[@]}" --steps '[{pause: {duration: 1h}}]'
v2="${REV2}"

md_request "${ns}" "${name}" '{"promote":"full"}'
md_wait 120 "${ns}" "${name}" "promoting, with traffic on the stable that now runs ${v2}" \
  ".status.phase == \"Promoting\" and (.status.message | test(\"canary scales down after\"))"
[[ "$(stable_template_revision)" == "${v2}" ]] || fail "the stable Deployment does not run ${v2} yet"
wait_until 60 "the stable's pods to run ${v2}" stable_runs "${v2}" || fail "the stable's pods never ran ${v2}"

md_request "${ns}" "${name}" '{"abort":true}'
md_wait 120 "${ns}" "${name}" "aborted back to ${v1}" \
  ".status.phase == \"Failed\" and $(cond Stalled).reason == \"Aborted\" and .status.stableRevision == \"${v1}\""
[[ "$(stable_template_revision)" == "${v1}" ]] || fail "the stable Deployment runs $(stable_template_revision)"
[[ "$(stable_model_uri)" == "${v1_uri}" ]] || fail "the stable serves $(stable_model_uri), not ${v1_uri}"
wait_until 60 "the stable's pods to run ${v1} again" stable_runs "${v1}" ||
  fail "stable pods: $(pods_of "${ns}" "aviary.dev/role=stable" | tr '\n' ' ')"
route_is "${ns}" "${name}" "100 0" || fail "route weights: $(route_weights "${ns}" "${name}")"
jq -e ".status.history[-1].revision == \"${v2}\" and .status.history[-1].outcome == \"Aborted\"" <<<"${MD}" \
  >/dev/null || fail "history: $(jq -c .status.history <<<"${MD}")"
kc delete namespace "${ns}" --wait=false >/dev/null
