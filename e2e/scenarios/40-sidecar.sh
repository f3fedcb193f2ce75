#!/usr/bin/env bash
# The data plane with the real aviary-sidecar: two revisions of an XGBoost model (stable: v1, two pods;
# canary: v2, whose predictions are the complement of v1's, one pod) serve OIP v2 behind an HTTPRoute split
# 75/25; the canary alone receives a drifted population. Through the real Prometheus, as the controller's
# gates will read them: per-revision request counts equal what was sent, a latency quantile is computable,
# drift is exported per feature and is higher on the canary, group positive rates appear, and a malformed
# request is a counted 400 that names the problem. Models and bodies: e2e/testdata/models/make_models.py.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
ns=e2e-sidecar
models="${E2E_DIR}/testdata/models"
bodies="${E2E_DIR}/testdata/requests/churn"
features=(tenure monthly_charges total_charges support_calls contract_months age num_products late_payments)

on_exit() {
  local rc=$?
  if ((rc != 0 && rc != 3)); then
    log "the sidecar processes of ${ns} (last lines of each log):"
    for f in "${AVIARY_CLUSTER_DIR}/logs/pod-${ns}_"*.log; do
      [[ -f "${f}" ]] && { echo "--- ${f##*/}"; tail -n 15 "${f}"; } >&2
    done
  fi
}
trap on_exit EXIT

sidecar="$(sidecar_bin)"
[[ -n "${sidecar}" ]] || fail "aviary-sidecar is not built (make build, or set AVIARY_SIDECAR_BIN): this scenario" \
  "proves the real sidecar and has nothing to run"
log "sidecar: ${sidecar}"

# The committed reference profile is what aviary-profile makes of the committed training CSV today.
profile_tool="$(dirname "${sidecar}")/tools/aviary-profile"
if [[ -x "${profile_tool}" ]]; then
  "${profile_tool}" --input "${models}/churn/train.csv" --output - |
    cmp -s - "${models}/churn/profile.json" ||
    fail "${models}/churn/profile.json is not what ${profile_tool} makes of churn/train.csv; regenerate it"
else
  log "no aviary-profile next to the sidecar: not re-checking profile.json"
fi

# A pod that asks for the sidecar when none is built gets no process and a loud error, not the stand-in.
# Checked with a one-shot runner pass in a scratch state dir, so the test bed's own runner is untouched.
scratch="$(mktemp -d)"
ln -s "${AVIARY_CLUSTER_DIR}/kubeconfig" "${scratch}/kubeconfig"

fresh_namespace "${ns}"
# Stable: churn v1 on two pods; canary: churn v2 on one.
sidecar_args() {
  local version=v1
  [[ "$1" == canary ]] && version=v2
  printf '%s\n' --model-name=churn "--model-version=${version}" "--revision=$1" \
    "--model-uri=file:///models/churn/${version}/model.json" --reference=file:///models/churn/profile.json \
    --group-input=region --accounting-interval=1s --threads=2 --audit-sample-rate=0.05
}
deploy_revisions "${ns}" --weights 75,25 --replicas 2,1 --args-of sidecar_args --env AVIARY_LOG_LEVEL=info

out="$(AVIARY_CLUSTER_DIR="${scratch}" AVIARY_RUNNER_NAMESPACE="${ns}" AVIARY_SIDECAR_BIN=/nonexistent/aviary-sidecar \
  "${E2E_DIR}/dataplane/runner.sh" once 2>&1)" || true
started=("${scratch}"/pids/pod-*)
AVIARY_CLUSTER_DIR="${scratch}" "${E2E_DIR}/dataplane/runner.sh" stop 2>/dev/null || true
rm -rf "${scratch:?}"
[[ ! -e "${started[0]}" && "${out}" != *"is Running: starting"* ]] ||
  fail "a runner without a sidecar binary started something for ${ns}: ${out}"
[[ "${out}" == *"error: pod ${ns}/churn-stable-"*"asks for aviary-sidecar, but none is built"* ]] ||
  fail "a runner without a sidecar binary did not refuse loudly; it said: ${out}"
log "without a binary the runner refuses: $(grep -m1 "error: pod ${ns}/" <<<"${out}")"

# Three sidecar processes, scraped, each with its model loaded: ready and saying it is XGBoost.
wait_scraped 60 "${ns}" 3
wait_prom 60 "count(aviary_model_ready{namespace=\"${ns}\"} == 1)" '. == 3'
wait_prom 10 "count(aviary_model_info{namespace=\"${ns}\",runtime=\"xgboost\"})" '. == 3'
! ls "${AVIARY_CLUSTER_DIR}/dataplane/failed/${ns}_"* >/dev/null 2>&1 || fail "the runner refused pods of ${ns}"
for ep in "${AVIARY_CLUSTER_DIR}/dataplane/endpoints/${ns}"/*; do
  addr="$(cat "${ep}")"
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://${addr}/v2/health/ready")"
  [[ "${code}" == 200 ]] || fail "GET /v2/health/ready of ${ep##*/} (${addr}) answered ${code}, expected 200"
  rev="$(curl -fsS --max-time 5 "http://${addr}/v2/models/churn" | jq -r '.platform + " " + .parameters.revision')"
  [[ "${rev}" == *" stable" || "${rev}" == *" canary" ]] || fail "GET /v2/models/churn of ${ep##*/} says ${rev}"
done
log "all three sidecars ready (GET /v2/health/ready = 200)"

# 400 requests of 200 rows each, split 75/25 by the HTTPRoute (about 100 to the canary, binomial sd ~ 8.7); the
# canary gets the drifted rows. Prometheus counts exactly what was sent, summed over the revision's pods.
send_split "${ns}" 400 65 135 --duration 180 --body "${bodies}/stable.json" \
  --revision-body "canary=${bodies}/drifted.json"

# A latency quantile is computable per revision from the duration histogram (a finite number of seconds).
for rev in stable canary; do
  wait_prom 20 "histogram_quantile(0.99, sum by (le) (rate(aviary_inference_request_duration_seconds_bucket{namespace=\"${ns}\",revision=\"${rev}\"}[1m])))" \
    '. > 0 and . < 10'
done

# Drift: every feature has ks, ks_pvalue and psi on every pod; the canary's drifted features are far off.
for stat in ks ks_pvalue psi; do
  wait_prom 30 "count(aviary_feature_drift{namespace=\"${ns}\",stat=\"${stat}\"})" ". == $((3 * ${#features[@]}))"
done
for f in "${features[@]}"; do
  for rev in stable canary; do
    [[ -n "$(prom_query "aviary_feature_drift{namespace=\"${ns}\",revision=\"${rev}\",feature=\"${f}\",stat=\"psi\"}")" ]] ||
      fail "no aviary_feature_drift psi for feature ${f} of ${rev}"
  done
done
drift() { prom_query "max(aviary_feature_drift{namespace=\"${ns}\",revision=\"$1\",feature=\"$2\",stat=\"$3\"})"; }
for f in tenure monthly_charges; do
  s_ks="$(drift stable "${f}" ks)" c_ks="$(drift canary "${f}" ks)" c_psi="$(drift canary "${f}" psi)"
  log "drift of ${f}: KS stable ${s_ks}, canary ${c_ks}; PSI stable $(drift stable "${f}" psi), canary ${c_psi}"
  jq -e -n "${c_ks} > ${s_ks} + 0.2 and ${c_ks} > 0.4 and ${c_psi} >= 0.25" >/dev/null ||
    fail "${f}: the canary's drifted input should show far higher KS and a major PSI than the stable's"
done
wait_prom 10 "max(aviary_feature_drift{namespace=\"${ns}\",revision=\"canary\",feature=\"tenure\",stat=\"ks_pvalue\"})" \
  '. < 0.05'
# The stable's rows come from the training distribution: no feature of it shows a major shift.
wait_prom 10 "max(aviary_feature_drift{namespace=\"${ns}\",revision=\"stable\",stat=\"psi\"})" '. < 0.25'
log "PSI per feature, stable/canary: $(curl -fsS "${PROMETHEUS_URL}/api/v1/query" --data-urlencode \
  "query=max by (revision, feature) (aviary_feature_drift{namespace=\"${ns}\",stat=\"psi\"})" |
  jq -c '[.data.result[] | {(.metric.feature + "/" + .metric.revision): (.value[1] | tonumber * 1000 | round / 1000)}] | add')"

# Fairness: a positive rate per region on every pod, each a share.
wait_prom 30 "count(aviary_group_positive_rate{namespace=\"${ns}\",revision=\"stable\"} >= 0 <= 1)" '. == 6'
wait_prom 30 "count(aviary_group_positive_rate{namespace=\"${ns}\",revision=\"canary\"} >= 0 <= 1)" '. == 3'
log "positive rates: $(curl -fsS "${PROMETHEUS_URL}/api/v1/query" --data-urlencode \
  "query=avg by (revision, group) (aviary_group_positive_rate{namespace=\"${ns}\"})" |
  jq -c '[.data.result[] | {(.metric.revision + "/" + .metric.group): (.value[1] | tonumber * 1000 | round / 1000)}] | add')"

# A request whose tensor has 3 features where the model takes 8: 400, the message names the input and the
# expected width, and Prometheus counts it under code="400" for that revision.
canary_eps=("${AVIARY_CLUSTER_DIR}/dataplane/endpoints/${ns}"/churn-canary-*)
addr="$(cat "${canary_eps[0]}")"
resp="$(curl -s --max-time 5 -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
  --data @"${bodies}/bad-shape.json" "http://${addr}/v2/models/churn/infer")"
code="${resp##*$'\n'}" body="${resp%$'\n'*}"
log "malformed request: ${code} ${body}"
[[ "${code}" == 400 ]] || fail "a 3-feature tensor was answered ${code}, expected 400: ${body}"
msg="$(jq -r .error <<<"${body}")"
[[ "${msg}" == *features* && "${msg}" == *8* ]] ||
  fail "the 400 should name the input 'features' and the 8 features expected; it says: ${msg}"
wait_prom 30 "sum(aviary_inference_requests_total{namespace=\"${ns}\",revision=\"canary\",code=\"400\"})" '. == 1'

kc delete namespace "${ns}" --wait=false >/dev/null

# A model saved by xgboost 3.2 (a categorical feature, three classes, a vector intercept; from the runtime's
# exactness corpus, models/xgboost-3.2.0 links to it) served by the real sidecar answers, for the corpus rows
# (missing values, extremes, thresholds, category codes), the probabilities xgboost 3.2 computed, bit for bit.
ns3=e2e-sidecar-xgb3
corpus="${models}/xgboost-3.2.0"
fresh_namespace "${ns3}"
xgb3_args() {
  printf '%s\n' --model-name=churn --model-version=xgb3 "--revision=$1" \
    "--model-uri=file:///models/xgboost-3.2.0/cat_softprob.ubj" --threads=1
}
deploy_revisions "${ns3}" --weights 50,50 --replicas 1,1 --args-of xgb3_args
wait_prom 60 "count(aviary_model_ready{namespace=\"${ns3}\"} == 1)" '. == 2'
xgb3_eps=("${AVIARY_CLUSTER_DIR}/dataplane/endpoints/${ns3}"/churn-stable-*)
addr="$(cat "${xgb3_eps[0]}")"
# Rows as the doubles equal to the corpus's float32 values (so reading them back is exact), null = missing.
python3 - "${corpus}/cat_softprob.cases.json" >"${AVIARY_CLUSTER_DIR}/xgb3-body.json" <<'PY'
import json, struct, sys
cases = json.load(open(sys.argv[1]))
f32 = lambda w: struct.unpack(">f", bytes.fromhex(w))[0]
rows = [[None if v != v else f32(w) for w, v in ((w, f32(w)) for w in r.split())] for r in cases["rows"]]
print(json.dumps({"inputs": [{"name": "features", "shape": [len(rows), len(rows[0])], "datatype": "FP32",
                              "data": rows}]}))
PY
resp="$(curl -fsS --max-time 10 -X POST -H 'Content-Type: application/json' \
  --data @"${AVIARY_CLUSTER_DIR}/xgb3-body.json" "http://${addr}/v2/models/churn/infer")" ||
  fail "the sidecar serving the xgboost 3.2 model did not answer the corpus rows"
verdict="$(python3 - "${corpus}/cat_softprob.cases.json" <(printf '%s' "${resp}") <<'PY'
import json, struct, sys
cases, resp = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = cases["value"].split()
data = resp["outputs"][0]["data"]
got = [struct.pack(">f", float(v)).hex() for v in (data if not isinstance(data[0], list) else sum(data, []))]
bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
print(f"{len(got)} of {len(want)} outputs, {len(bad)} differ" + (f" (first: output {bad[0]})" if bad else ""))
PY
)"
log "xgboost 3.2 model served: ${verdict}"
[[ "${verdict}" == *", 0 differ" && "${verdict}" != "0 of"* ]] &&
  [[ "${verdict%% of*}" == "$(jq -r '.value | split(" ") | length' "${corpus}/cat_softprob.cases.json")" ]] ||
  fail "the sidecar's answers for the xgboost 3.2 model are not xgboost's own: ${verdict}"
kc delete namespace "${ns3}" --wait=false >/dev/null
log "the real sidecar serves, counts, times, and measures drift and fairness as the gates will read them;" \
  "a model saved by xgboost 3.2 answers exactly what xgboost answers"
