#!/usr/bin/env bash
# (e) A new revision that gets no traffic at all: its errorRate gate has no data, so the rollout holds at
# step 0 with AnalysisNoData=True (noData: hold) and never promotes; after progressDeadlineSeconds (20) it is
# Stalled=True with reason AnalysisNoData, and the stable revision is still the old one.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-no-traffic name=churn provider=replicas

scenario_start "${ns}" "${name}" "${provider}" --deadline 20
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --deadline 20
md_wait 40 "${ns}" "${name}" "holding with AnalysisNoData" \
  "$(cond AnalysisNoData).status == \"True\" and (.status.currentStep // 0) == 0 and .status.phase == \"Progressing\""
log "AnalysisNoData: $(jq -r "$(cond AnalysisNoData).message" <<<"${MD}")"
md_wait 60 "${ns}" "${name}" "Stalled with AnalysisNoData after the deadline" \
  "$(cond Stalled) | .status == \"True\" and .reason == \"AnalysisNoData\""
log "Stalled: $(jq -r "$(cond Stalled).message" <<<"${MD}"); phase $(jq -r .status.phase <<<"${MD}")"
# Never promoted: the stable is the old revision, no history entry promotes the new one, and no status ever
# recorded the new one past step 0 or promoting.
jq -e ".status.stableRevision == \"${REV1}\" and
  ([.status.history // [] | .[] | select(.revision == \"${REV2}\" and .outcome == \"Promoted\")] | length == 0)" \
  <<<"${MD}" >/dev/null || fail "the revision without data was promoted: $(jq -c .status <<<"${MD}")"
if md_seen "${STATUS_LOG}" "${REV2}" | awk '$1 == "Promoting" || $1 == "Succeeded" || $2 != 0' | grep -q .; then
  fail "the rollout of ${REV2} moved on without data: $(md_seen "${STATUS_LOG}" "${REV2}" | sort -u | tr '\n' ';')"
fi
kc delete namespace "${ns}" --wait=false >/dev/null
