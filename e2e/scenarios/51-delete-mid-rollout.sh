#!/usr/bin/env bash
# (j) The ModelDeployment deleted mid-rollout, while the canary takes traffic through the user's HTTPRoute:
# the route goes back to the stable (weights 100/0), and everything aviary owns (Deployments, Services,
# pods) is gone; the user's HTTPRoute stays.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-delete name=churn provider=gatewayAPI

scenario_start "${ns}" "${name}" "${provider}"
traffic_start "${ns}" "${name}" "${provider}"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 \
  --steps '[{setWeight: 40}, {pause: {duration: 1h}}]'
wait_until 60 "the canary to take 40 %" route_is "${ns}" "${name}" "60 40" ||
  fail "the HTTPRoute never sent 40 % to the canary: $(route_weights "${ns}" "${name}")"
expect_revision_traffic "${ns}" "${REV2}"
log "deleting the ModelDeployment mid-rollout ($(md_summary "${ns}" "${name}"))"
kc delete modeldeployments.aviary.dev "${name}" -n "${ns}" --wait=false >/dev/null
wait_until 60 "HTTPRoute back at 100/0" route_is "${ns}" "${name}" "100 0" ||
  fail "after the delete the HTTPRoute weights are $(route_weights "${ns}" "${name}"), expected 100 0"
wait_until 60 "the ModelDeployment to be gone" md_absent "${ns}" "${name}" ||
  fail "the ModelDeployment is still there: $(md_json "${ns}" "${name}" | jq -c .metadata)"
wait_until 90 "aviary's objects to be gone" no_objects "${ns}" deployments,replicasets,services,pods ||
  fail "objects left after the delete: $(kc get deployments,replicasets,services,pods -n "${ns}" -o name | tr '\n' ' ')"
kc get httproute "${name}" -n "${ns}" >/dev/null || fail "the user's HTTPRoute was deleted"
log "route at 100/0, owned objects gone, the HTTPRoute kept"
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
