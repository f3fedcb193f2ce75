#!/usr/bin/env bash
# The e2e suite: brings the test bed up (or reuses one that is up), runs e2e/scenarios/*.sh in order, and
# brings it down again at the end unless AVIARY_KEEP_CLUSTER=1.
# Each scenario runs in its own bash with the test bed's env (KUBECONFIG, PROMETHEUS_URL, ...); exit 0 passes,
# exit 3 skips, anything else fails and dumps the logs. Ends with the line "e2e: N passed, N failed".
# Usage: run.sh [PATTERN]   (only scenarios whose file name contains PATTERN)
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/lib/common.sh"

pattern="${1:-}"

finish() {
  local rc=$?
  if [[ "${AVIARY_KEEP_CLUSTER:-0}" == 1 ]]; then
    log "leaving the test bed up (${AVIARY_CLUSTER_DIR}); stop it with e2e/cluster/down.sh"
  else
    "${here}/cluster/down.sh" || rc=1
  fi
  exit "${rc}"
}
trap finish EXIT

start_s=${SECONDS}
if ! "${here}/cluster/up.sh"; then
  "${here}/lib/dump-logs.sh" || true
  echo "e2e: 0 passed, 1 failed"
  exit 1
fi
# shellcheck disable=SC1091
source "${AVIARY_CLUSTER_DIR}/env"

passed=0 failed=0 skipped=0 failures=()
for scenario in "${here}"/scenarios/*.sh; do
  name="$(basename "${scenario}" .sh)"
  [[ -z "${pattern}" || "${name}" == *"${pattern}"* ]] || continue
  log "=== ${name}"
  s=${SECONDS}
  set +o errexit
  bash "${scenario}"
  rc=$?
  set -o errexit
  if ((rc == 0)); then
    passed=$((passed + 1))
    log "--- PASS ${name} ($((SECONDS - s))s)"
  elif ((rc == 3)); then
    skipped=$((skipped + 1))
    log "--- SKIP ${name}"
  else
    failed=$((failed + 1))
    failures+=("${name}")
    log "--- FAIL ${name} (exit ${rc}, $((SECONDS - s))s)"
    "${here}/lib/dump-logs.sh" || true
  fi
done

log "e2e took $((SECONDS - start_s))s${failures[*]:+; failed: ${failures[*]}}"
line="e2e: ${passed} passed, ${failed} failed"
((skipped > 0)) && line+=", ${skipped} skipped"
echo "${line}"
((failed == 0))
