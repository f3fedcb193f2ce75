#!/usr/bin/env bash
# A mesh canary sized to its weight (spec.strategy.canaryScale: matchTrafficWeight; gatewayAPI, 3 replicas,
# steps 30 % then 60 %): the canary runs 1 pod at 30 % and 2 at 60 %, never all 3 before the promotion (so
# the rollout never needs 2R pods), and the HTTPRoute never gives it a weight its ready pods cannot carry
# (ready pods >= ceil(3 * weight / 100) at every poll); the rollout ends Succeeded with the new revision on
# the stable's 3 pods and the canary scaled to 0.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"
ns=e2e-canary-scale name=churn provider=gatewayAPI
shape=(--replicas 3 --canary-scale matchTrafficWeight
  --steps '[{setWeight: 30}, {pause: {duration: 6s}}, {setWeight: 60}, {pause: {duration: 6s}}]')

scenario_start "${ns}" "${name}" "${provider}" "${shape[@]}"
traffic_start "${ns}" "${name}" "${provider}"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 "${shape[@]}"

# Until the promotion: each poll reads the route, then the canary Deployment; the canary is scaled down only
# after the route has lowered its weight, so its ready pods at the second read carry the first read's weight.
max_pods=0 seen_30=0 seen_60=0 deadline=$((SECONDS + 180))
while true; do
  MD="$(md_json "${ns}" "${name}")"
  phase="$(jq -r .status.phase <<<"${MD}")"
  [[ "${phase}" == Progressing || "${phase}" == Paused ]] || break
  ((SECONDS < deadline)) || fail "still ${phase} after 180s: $(summary_of "${MD}")"
  read -r _ weight <<<"$(route_weights "${ns}" "${name}")"
  read -r pods ready <<<"$(kc get deployment "${name}-canary" -n "${ns}" -o json 2>/dev/null |
    jq -r '"\(.spec.replicas // 0) \(.status.readyReplicas // 0)"')"
  need=$(((3 * weight + 99) / 100))
  ((ready >= need)) || fail "the route gives the canary ${weight}% with ${ready} ready pods (needs ${need})"
  ((pods > max_pods)) && max_pods="${pods}"
  ((weight == 30 && pods == 1)) && seen_30=1
  ((weight == 60 && pods == 2)) && seen_60=1
  sleep 0.5
done
log "canary pods before the promotion: at most ${max_pods}; 1 at 30 %: ${seen_30}, 2 at 60 %: ${seen_60}"
((max_pods <= 2)) || fail "the canary ran ${max_pods} pods before the promotion (at most 2 for 60 % of 3)"
((seen_30 && seen_60)) || fail "never saw the canary at 1 pod for 30 % and 2 pods for 60 %"
md_wait 120 "${ns}" "${name}" "Succeeded with the new revision" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
canary_cut "${ns}" "${name}" "${provider}"
wait_until 60 "the stable's 3 pods ready" test "$(kc get deployment "${name}-stable" -n "${ns}" \
  -o jsonpath='{.status.readyReplicas}')" == 3 || fail "the stable has not 3 ready pods"
expect_revision_traffic "${ns}" "${REV2}"
traffic_stop
kc delete namespace "${ns}" --wait=false >/dev/null
