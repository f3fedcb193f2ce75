# The three rollouts that scenarios 50-52 run once per traffic provider (gatewayAPI: the user's HTTPRoute
# weights; replicas: no mesh, the split follows the pod counts). Sourced after lib/controller.sh.
# shellcheck shell=bash

# short name of a provider, for namespaces.
provider_short() { [[ "$1" == gatewayAPI ]] && echo gw || echo rep; }

# canary_cut NS NAME PROVIDER: traffic is all on the stable again. gatewayAPI: the HTTPRoute weights are
# 100/0. Both: the canary Deployment has no replica and no pod of it is left.
canary_cut() {
  local ns="$1" name="$2"
  if [[ "$3" == gatewayAPI ]]; then
    wait_until 30 "HTTPRoute ${name} at 100/0" route_is "${ns}" "${name}" "100 0" ||
      fail "HTTPRoute ${name} weights (stable canary) are $(route_weights "${ns}" "${name}"), expected 100 0"
  fi
  wait_until 60 "${name}-canary at 0 replicas" scaled_to_zero "${ns}" "${name}-canary" ||
    fail "${name}-canary still has $(kc get deployment "${name}-canary" -n "${ns}" -o jsonpath='{.spec.replicas}') replicas"
  wait_until 60 "the canary pods to be gone" no_pods "${ns}" "aviary.dev/modeldeployment=${name},aviary.dev/role=canary" ||
    fail "canary pods left: $(pods_of "${ns}" "aviary.dev/modeldeployment=${name},aviary.dev/role=canary" | tr '\n' ' ')"
}

# expect_rolled_back NS NAME PROVIDER: after a rollback: Failed, the stable unchanged, the history says
# RolledBack, traffic back on the stable (router and Prometheus).
expect_rolled_back() {
  local ns="$1" name="$2" provider="$3"
  md_wait 120 "${ns}" "${name}" "Failed (rolled back)" '.status.phase == "Failed"'
  jq -e ".status.stableRevision == \"${REV1}\"" <<<"${MD}" >/dev/null ||
    fail "the stable revision changed to $(jq -r .status.stableRevision <<<"${MD}") on a rollback"
  jq -e ".status.history[-1] | .revision == \"${REV2}\" and .outcome == \"RolledBack\"" <<<"${MD}" >/dev/null ||
    fail "the last history entry is not ${REV2} RolledBack: $(jq -c .status.history <<<"${MD}")"
  canary_cut "${ns}" "${name}" "${provider}"
  expect_no_revision_traffic "${ns}" "${REV2}"
  expect_revision_traffic "${ns}" "${REV1}"
}

# expect_gate_named NS NAME METRIC BUILTIN: the rolled-back ModelDeployment says which gate failed, METRIC
# (builtin BUILTIN), in a condition's message and in an Event. Checked last, so that a scenario failing it
# has made (and printed) every other check first.
expect_gate_named() {
  local ns="$1" name="$2" metric="$3" builtin="$4" messages
  wait_until 20 "an Event naming ${metric}" events_name "${ns}" "${name}" "${metric}|${builtin}" ||
    fail "no Event of ${ns}/${name} names the gate ${metric} (${builtin}): $(md_events "${ns}" "${name}")"
  log "event: $(md_events "${ns}" "${name}" | grep -E -m1 -- "${metric}|${builtin}")"
  messages="$(md_condition_messages "${ns}" "${name}")"
  grep -Eq -- "${metric}|${builtin}" <<<"${messages}" ||
    fail "no condition message names the gate ${metric} (${builtin}): $(tr '\n' ';' <<<"${messages}")"
  log "condition: $(grep -E -m1 -- "${metric}|${builtin}" <<<"${messages}")"
}

# promote_scenario PROVIDER: (a) a good new model goes through every step to 100 % and becomes the stable.
promote_scenario() {
  local provider="$1" ns name=churn
  ns="e2e-promote-$(provider_short "${provider}")"
  scenario_start "${ns}" "${name}" "${provider}"
  traffic_start "${ns}" "${name}" "${provider}"
  # churn v2: another model (the same trees, leaves negated) that answers every request 200, quickly.
  local metrics='[{name: error-rate, builtin: errorRate, max: 5}, {name: latency-p99, builtin: latencyP99, max: 2000}]'
  new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --metrics "${metrics}"
  md_wait 180 "${ns}" "${name}" "Succeeded with the new revision as stable" \
    ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
  jq -e ".status.history[-1] | .revision == \"${REV2}\" and .outcome == \"Promoted\"" <<<"${MD}" >/dev/null ||
    fail "the last history entry is not ${REV2} Promoted: $(jq -c .status.history <<<"${MD}")"
  # Every step was taken, at its weight: the status changes recorded along the way.
  local seen
  seen="$(md_seen "${STATUS_LOG}" "${REV2}" | awk '{print $2 "/" $3}' | sort -u | tr '\n' ' ')"
  log "steps/weights seen on ${REV2}: ${seen}"
  for want in '0/30' '1/' '2/60'; do
    [[ " ${seen}" == *" ${want}"* ]] || fail "step ${want%%/*} (weight ${want#*/}) never seen; seen: ${seen}"
  done
  [[ "${provider}" == gatewayAPI ]] && canary_cut "${ns}" "${name}" "${provider}"
  expect_no_revision_traffic "${ns}" "${REV1}"
  expect_revision_traffic "${ns}" "${REV2}"
  wait_until 60 "${name}-canary at 0 replicas" scaled_to_zero "${ns}" "${name}-canary" ||
    fail "${name}-canary was not scaled down after the promotion"
  traffic_stop
  kc delete namespace "${ns}" --wait=false >/dev/null
}

# since T0: a PromQL range covering the time since T0 (seconds since the epoch) and no earlier: a revision's
# hash is the same in every run of a scenario, so a longer range would also see a previous run's series.
since() { echo "[$((${EPOCHREALTIME%.*} - ${1%.*} + 1))s]"; }

# first_error_sample NS REV T0: the first time after T0 that Prometheus has a sample of a non-2xx answer of
# revision REV in NS, in seconds since the epoch.
first_error_sample() {
  curl -fsS --max-time 5 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode \
    "query=aviary_inference_requests_total{namespace=\"$1\",revision=\"$2\",code!~\"2..\"}$(since "$3")" |
    jq -r --argjson t0 "$3" '[.data.result[].values[] | select(.[0] > $t0 and (.[1] | tonumber > 0)) | .[0]]
      | min // empty'
}

# rollback_errors_scenario PROVIDER: (b) a model that answers every request 400 is rolled back on errorRate.
# Prints the seconds from the first error visible in Prometheus to all traffic on the stable.
rollback_errors_scenario() {
  local provider="$1" ns name=churn cut_log interval_s=5 t0
  ns="e2e-errors-$(provider_short "${provider}")"
  scenario_start "${ns}" "${name}" "${provider}"
  cut_log="$(mktemp)"
  # When traffic leaves the canary: the HTTPRoute's weights, or (replicas) the canary Deployment's scale.
  [[ "${provider}" == gatewayAPI ]] && record "${cut_log}" httproute "${name}" -n "${ns}" \
    -o jsonpath='{.spec.rules[0].backendRefs[*].weight}{"\n"}'
  traffic_start "${ns}" "${name}" "${provider}" --rate 5
  # churn/wide takes 12 features; the requests carry 8: every answer is a 400.
  t0="${EPOCHREALTIME}"
  new_revision "${ns}" "${name}" "${provider}" --version wide --model churn/wide --no-reference \
    --interval "${interval_s}s"
  if [[ "${provider}" == replicas ]]; then
    wait_until 30 "deployment ${name}-canary" kc get deployment "${name}-canary" -n "${ns}" ||
      fail "no Deployment ${name}-canary while ${REV2} rolls out"
    record "${cut_log}" deployment "${name}-canary" -n "${ns}" -o jsonpath='{.spec.replicas}{"\n"}'
  fi
  expect_rolled_back "${ns}" "${name}" "${provider}"
  # Its pods are gone, so their series are stale: the largest value over the run.
  wait_prom 10 "sum(max_over_time(aviary_inference_requests_total{namespace=\"${ns}\",revision=\"${REV2}\",code=\"400\"}$(since "${t0}")))" \
    '. > 0'

  local breach cut seconds
  breach="$(first_error_sample "${ns}" "${REV2}" "${t0}")"
  [[ -n "${breach}" ]] || fail "Prometheus has no non-2xx sample of ${REV2}"
  # The first time after the breach that the canary's weight (or scale) is 0.
  if [[ "${provider}" == gatewayAPI ]]; then
    cut="$(awk -v b="${breach}" '$1 > b && $3 == "0" {print $1; exit}' "${cut_log}")"
  else
    cut="$(awk -v b="${breach}" '$1 > b && $2 == "0" {print $1; exit}' "${cut_log}")"
  fi
  [[ -n "${cut}" ]] || fail "no cut of the canary's traffic recorded after the breach at ${breach}: $(cat "${cut_log}")"
  seconds="$(jq -n "(${cut} - ${breach}) * 10 | round / 10")"
  log "breach-to-stable (${provider}): ${seconds}s from the first 400 in Prometheus to 100 % on stable" \
    "(analysis interval ${interval_s}s; goal <= $((interval_s + 2))s)"
  echo "breach-to-stable ${provider} ${seconds}s interval ${interval_s}s" >>"${AVIARY_CLUSTER_DIR}/breach-to-stable.txt"
  jq -e -n "${seconds} <= $((2 * interval_s + 4))" >/dev/null ||
    fail "${seconds}s from the breach to all traffic on stable: more than two analysis intervals + 4s"
  rm -f "${cut_log}"
  expect_gate_named "${ns}" "${name}" error-rate errorRate
  traffic_stop
  kc delete namespace "${ns}" --wait=false >/dev/null
}

# The slow model (19 MB, generated once, deterministic): see testdata/models/make_models.py --slow.
ensure_slow_model() {
  # Named by its shape, so a model generated by an older make_models.py is not reused.
  local dir="${MODELS_DIR}/generated/slow-1000x240"
  mkdir -p "${dir}"
  (
    flock 7
    [[ -s "${dir}/model.json" ]] || python3 "${E2E_DIR}/testdata/models/make_models.py" --slow "${dir}"
  ) 7>"${MODELS_DIR}/generated/.lock"
}

# rollback_latency_scenario PROVIDER: (c) a model whose p99 is far above the gate is rolled back on latencyP99.
rollback_latency_scenario() {
  local provider="$1" ns name=churn t0
  ns="e2e-latency-$(provider_short "${provider}")"
  ensure_slow_model
  scenario_start "${ns}" "${name}" "${provider}"
  # A slow answer costs a core for 25 ms (idle) to 1 s (loaded): 1.5 requests a second (30-50 % to the canary)
  # keep it usable for the stable and the other scenarios.
  traffic_start "${ns}" "${name}" "${provider}" --rate 1.5
  t0="${EPOCHREALTIME}"
  new_revision "${ns}" "${name}" "${provider}" --version slow --model generated/slow-1000x240 \
    --metrics '[{name: latency-p99, builtin: latencyP99, max: 10}]'
  expect_rolled_back "${ns}" "${name}" "${provider}"
  # Prometheus agrees that the canary was slow, and that the stable is not.
  local q='histogram_quantile(0.99, sum by (le) (increase(aviary_inference_request_duration_seconds_bucket{namespace="%s",revision="%s"}%s)))'
  # shellcheck disable=SC2059
  wait_prom 10 "$(printf "${q}" "${ns}" "${REV2}" "$(since "${t0}")")" '. > 0.01'
  # shellcheck disable=SC2059
  log "p99 of the stable meanwhile: $(prom_query "$(printf "${q}" "${ns}" "${REV1}" "$(since "${t0}")")")s"
  expect_gate_named "${ns}" "${name}" latency-p99 latencyP99
  traffic_stop
  kc delete namespace "${ns}" --wait=false >/dev/null
}
