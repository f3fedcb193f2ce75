#!/usr/bin/env bash
# (d) A canary whose inputs drift (the load generator sends it requests/churn/drifted.json: tenure +2 sd,
# monthly_charges +1.5 sd, while the stable gets rows from the training distribution) is rolled back on
# featureDriftKS (max 0.3; the sidecar compares its inputs with the reference profile): Failed, the stable
# unchanged, the gate named in a condition and an Event, traffic back on the stable, and Prometheus's KS of
# the canary above 0.3. Replicas provider: one stable and one canary pod.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
ns=e2e-drift name=churn provider=replicas

scenario_start "${ns}" "${name}" "${provider}"
# The same model under a new version label: only its inputs differ.
t0="${EPOCHREALTIME}"
new_revision "${ns}" "${name}" "${provider}" --version 1-drift \
  --metrics '[{name: drift-ks, builtin: featureDriftKS, max: 0.3}, {name: error-rate, builtin: errorRate, max: 5}]'
traffic_start "${ns}" "${name}" "${provider}" --revision-body "${REV2}=${BODIES_DIR}/drifted.json"
expect_rolled_back "${ns}" "${name}" "${provider}"
wait_prom 10 "max(max_over_time(aviary_feature_drift{namespace=\"${ns}\",revision=\"${REV2}\",stat=\"ks\"}$(since "${t0}")))" '. > 0.3'
log "largest KS of the stable meanwhile: $(prom_query "max(max_over_time(aviary_feature_drift{namespace=\"${ns}\",revision=\"${REV1}\",stat=\"ks\"}$(since "${t0}")))")"
expect_gate_named "${ns}" "${name}" drift-ks featureDriftKS
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
