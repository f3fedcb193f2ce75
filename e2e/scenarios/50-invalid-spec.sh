#!/usr/bin/env bash
# (k) A spec that the CRD schema accepts but aviary refuses: analysis.interval "2000000000ms" has the
# schema's duration syntax and is at least 1s (its CEL rule), but aviary reads no duration of more than 10^9
# units. It gets Stalled=True reason InvalidSpec naming spec.analysis.interval, a Warning Event saying the
# same, and touches nothing: no Deployment, no Service, and the user's HTTPRoute unchanged.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-invalid-spec name=churn

controller_ensure  # first: it finalizes what a previous run left in the namespace
fresh_namespace "${ns}"
on_failure "${ns}" "${name}"
route_create "${ns}" "${name}"
route_version="$(kc get httproute "${name}" -n "${ns}" -o jsonpath='{.metadata.resourceVersion}')"
md_manifest "${name}" --provider gatewayAPI --interval 2000000000ms | md_apply "${ns}"
md_wait 30 "${ns}" "${name}" "Stalled with InvalidSpec" "$(cond Stalled) | .status == \"True\" and .reason == \"InvalidSpec\""
message="$(jq -r "$(cond Stalled).message" <<<"${MD}")"
log "Stalled: ${message}"
[[ "${message}" == *spec.analysis.interval* ]] || fail "the InvalidSpec message does not name spec.analysis.interval: ${message}"
wait_until 20 "a Warning Event naming spec.analysis.interval" events_name "${ns}" "${name}" '^Warning .*spec\.analysis\.interval' ||
  fail "no Warning Event names spec.analysis.interval: $(md_events "${ns}" "${name}")"
# Nothing touched, for a while longer.
for _ in 1 2 3 4 5 6; do
  objects="$(kc get deployments,replicasets,services,pods -n "${ns}" -o name)"
  [[ -z "${objects}" ]] || fail "an invalid spec created objects: ${objects}"
  [[ "$(kc get httproute "${name}" -n "${ns}" -o jsonpath='{.metadata.resourceVersion}')" == "${route_version}" ]] ||
    fail "an invalid spec changed the HTTPRoute: $(route_weights "${ns}" "${name}")"
  sleep 1
done
log "nothing created, the HTTPRoute untouched"
kc delete namespace "${ns}" --wait=false >/dev/null
