#!/usr/bin/env bash
# The e2e suite: brings the test bed up (or reuses one that is up), runs e2e/scenarios/*.sh in order, and
# brings it down again at the end unless AVIARY_KEEP_CLUSTER=1.
# Each scenario runs in its own bash with the test bed's env (KUBECONFIG, PROMETHEUS_URL, ...); exit 0 passes,
# exit 3 skips, anything else fails and dumps the logs. Ends with the line "e2e: N passed, N failed".
# Scenarios whose file names start with the same number (50-a.sh, 50-b.sh) run concurrently, each in its own
# namespace; their output is printed scenario by scenario once the group is done. The controller that
# scenarios 50 and up share (lib/controller.sh) is stopped at the end, so the next run starts the one built.
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
rm -f "${AVIARY_CLUSTER_DIR}/breach-to-stable.txt"

passed=0 failed=0 skipped=0 failures=()
# result NAME RC SECONDS: counts and reports one scenario's exit status.
result() {
  local name="$1" rc="$2" took="$3"
  if ((rc == 0)); then
    passed=$((passed + 1))
    log "--- PASS ${name} (${took}s)"
  elif ((rc == 3)); then
    skipped=$((skipped + 1))
    log "--- SKIP ${name}"
  else
    failed=$((failed + 1))
    failures+=("${name}")
    log "--- FAIL ${name} (exit ${rc}, ${took}s)"
  fi
}

selected=()
for scenario in "${here}"/scenarios/*.sh; do
  name="$(basename "${scenario}" .sh)"
  [[ -z "${pattern}" || "${name}" == *"${pattern}"* ]] && selected+=("${scenario}")
done
outputs="$(mktemp -d)"
i=0
while ((i < ${#selected[@]})); do
  # The group: this scenario and the following ones with the same number.
  number="$(basename "${selected[i]}")"
  number="${number%%-*}"
  group=()
  while ((i < ${#selected[@]})) && [[ "$(basename "${selected[i]}")" == "${number}-"* ]]; do
    group+=("${selected[i]}")
    i=$((i + 1))
  done
  s=${SECONDS}
  failed_before=${failed}
  if ((${#group[@]} == 1)); then
    name="$(basename "${group[0]}" .sh)"
    log "=== ${name}"
    set +o errexit
    bash "${group[0]}"
    rc=$?
    set -o errexit
    result "${name}" "${rc}" $((SECONDS - s))
  else
    log "=== group ${number}: $(for g in "${group[@]}"; do basename "${g}" .sh; done | tr '\n' ' ')(concurrently)"
    pids=()
    for scenario in "${group[@]}"; do
      name="$(basename "${scenario}" .sh)"
      (
        start=${SECONDS}
        set +o errexit
        bash "${scenario}" >"${outputs}/${name}.out" 2>&1
        echo "$? $((SECONDS - start))" >"${outputs}/${name}.rc"
      ) &
      pids+=($!)
    done
    wait "${pids[@]}" || true
    for scenario in "${group[@]}"; do
      name="$(basename "${scenario}" .sh)"
      log "=== ${name}"
      cat "${outputs}/${name}.out" >&2
      read -r rc took <"${outputs}/${name}.rc" || { rc=1 took=$((SECONDS - s)); }
      result "${name}" "${rc}" "${took}"
    done
    log "--- group ${number} took $((SECONDS - s))s"
  fi
  ((failed == failed_before)) || "${here}/lib/dump-logs.sh" || true
done
rm -rf "${outputs}"
stop_process aviary-controller
if [[ -s "${AVIARY_CLUSTER_DIR}/breach-to-stable.txt" ]]; then
  log "breach-to-stable: $(tr '\n' ';' <"${AVIARY_CLUSTER_DIR}/breach-to-stable.txt")"
  rm -f "${AVIARY_CLUSTER_DIR}/breach-to-stable.txt"
fi

log "e2e took $((SECONDS - start_s))s${failures[*]:+; failed: ${failures[*]}}"
line="e2e: ${passed} passed, ${failed} failed"
((skipped > 0)) && line+=", ${skipped} skipped"
echo "${line}"
((failed == 0))
