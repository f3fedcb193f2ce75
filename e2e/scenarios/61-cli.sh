#!/usr/bin/env bash
# (l) kubectl aviary: the plugin drives a rollout as a user would, through kubectl (kubectl-aviary on PATH):
# get lists it; pause holds it (status says Paused by request) and a second pause is refused; resume lets it
# go on; promote --full promotes it, which status --watch follows to Succeeded (exit 0) and history shows; on a
# second revision abort rolls it back, status --watch ends with exit 3, history says Aborted, retry restarts
# it and promote --full promotes it. card shows the promoted revision's model card (Markdown, --json of a
# prefix, --html to a file). kubectl's kubeconfig rules: the context's namespace, --context, a
# KUBECONFIG list merged across files, --kubeconfig. Errors say which object and namespace, with exit code 1
# for a missing object or a request the phase cannot take and 2 for a wrong command line.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-cli name=churn provider=replicas
steps='[{pause: {duration: 1h}}, {setWeight: 50}, {pause: {}}]'
# One gate and no traffic: the status shows a gate without data, and only the requests move the rollout.
metrics='[{name: error-rate, builtin: errorRate, max: 5}]'

# The kubectl-aviary binary: $AVIARY_CLI_BIN, else the one built under build/.
plugin_bin() {
  local f
  for f in ${AVIARY_CLI_BIN:-} "${REPO_ROOT}/build/src/cli/kubectl-aviary" "${REPO_ROOT}/build/kubectl-aviary"; do
    [[ -x "${f}" ]] && {
      echo "${f}"
      return
    }
  done
}
bin="$(plugin_bin)"
[[ -n "${bin}" ]] || fail "kubectl-aviary is not built (ninja -C build kubectl-aviary, or set AVIARY_CLI_BIN)"
plugin_dir="$(mktemp -d)"
ln -s "${bin}" "${plugin_dir}/kubectl-aviary"
export PATH="${plugin_dir}:${PATH}"
plugins="$(kubectl plugin list 2>&1 || true)"
[[ "${plugins}" == *"${plugin_dir}/kubectl-aviary"* ]] || fail "kubectl plugin list does not show it: ${plugins}"

# ka ARGS...: `kubectl aviary ARGS` with the test bed's KUBECONFIG (from its env); output in OUT, errors in
# ERR, exit code in RC. Never fails by itself.
OUT="" ERR="" RC=0
ka() {
  local err_file
  err_file="$(mktemp)"
  set +o errexit
  OUT="$(kubectl aviary "$@" 2>"${err_file}")"
  RC=$?
  set -o errexit
  ERR="$(cat "${err_file}")"
  rm -f "${err_file}"
  log "kubectl aviary $* -> exit ${RC}"
}
# expect RC [TEXT]: the last ka exited RC, and its output (stdout and stderr) contains TEXT.
expect() {
  ((RC == $1)) || fail "expected exit $1, got ${RC}; stdout: ${OUT}; stderr: ${ERR}"
  [[ -z "${2:-}" || "${OUT}${ERR}" == *"$2"* ]] || fail "expected \"$2\" in: ${OUT} ${ERR}"
}

controller_ensure  # first: it finalizes what a previous run left in the namespace
fresh_namespace "${ns}"
on_failure "${ns}" "${name}"
first_rollout "${ns}" "${name}" "${provider}" --metrics "${metrics}"
new_revision "${ns}" "${name}" "${provider}" --version 2 --model churn/v2 --metrics "${metrics}" --steps "${steps}"
v2="${REV2}"

ka -n "${ns}" get
expect 0
grep -Eq "^${name} +Progressing +1/3 +0% +${REV1} +${v2} " <<<"${OUT}" || fail "get: ${OUT}"
log "get:"$'\n'"${OUT}"
ka get -A
expect 0 "${ns}"
grep -Eq "^${ns} +${name} +Progressing" <<<"${OUT}" || fail "get -A has no row for ${ns}/${name}: ${OUT}"

ka -n "${ns}" pause "${name}"
expect 0 "pause requested"
md_wait 30 "${ns}" "${name}" "paused by the user" '.status.phase == "Paused" and .status.pausedByUser == true'
md_wait 30 "${ns}" "${name}" "a first analysis round" '[.status.analysis[]? | select(.name == "error-rate")] | length == 1'
ka -n "${ns}" status "${name}"
expect 0 "Paused (by request)"
[[ "${OUT}" == *"error-rate"*"<= 5 %"*"NO DATA"* ]] || fail "status shows no gate line for error-rate: ${OUT}"
log "status:"$'\n'"${OUT}"
ka -n "${ns}" pause "${name}"
expect 1 "pause ${ns}/${name}: it is already paused by request"
# On a terminal (script(1) gives it one, 80x30): the view is redrawn in place, coloured, cut to the width.
set +o errexit
screen="$(script -qec "stty cols 80 rows 30; kubectl aviary -n ${ns} status ${name} -w --timeout 3s" /dev/null)"
RC=$?
set -o errexit
((RC == 4)) || fail "status --watch on a terminal: expected exit 4 after --timeout 3s, got ${RC}: ${screen}"
[[ "${screen}" == *$'\e[1;33mPaused (by request)'* ]] || fail "no coloured phase on the terminal: ${screen}"
grep -q $'\e\[[0-9]*F' <<<"${screen}" || fail "status --watch on a terminal did not redraw in place: ${screen}"
wide="$(python3 -c 'import re, sys
for line in sys.stdin.buffer.read().decode().splitlines():
    visible = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line).rstrip("\r")
    if len(visible) > 80:
        print(visible)' <<<"${screen}")"
[[ -z "${wide}" ]] || fail "lines wider than the terminal: ${wide}"
ka -n "${ns}" resume "${name}"
expect 0 "resume requested"
md_wait 30 "${ns}" "${name}" "resumed" '.status.phase == "Progressing" and (.status.pausedByUser // false) == false'

ka -n "${ns}" promote "${name}" --full
expect 0 "promote --full requested"
ka -n "${ns}" status "${name}" --watch --timeout 120s
expect 0 "Succeeded"
log "status --watch:"$'\n'"${OUT}"
# A line per change of state, and one per new Event (indented "event ..."): the last state is Succeeded.
last_state="$(grep -v '^[^ ]*   event ' <<<"${OUT}" | tail -n 1)"
[[ "${last_state}" == *" Succeeded weight 0% stable ${v2} "* ]] ||
  fail "the last state status --watch printed is not Succeeded at ${v2}: ${last_state}"
ka -n "${ns}" history "${name}"
expect 0
grep -Eq "^${v2} +Promoted " <<<"$(tail -n 1 <<<"${OUT}")" || fail "history does not end with ${v2} Promoted: ${OUT}"
log "history:"$'\n'"${OUT}"
# The model card of the rollout that just ended (its ConfigMap follows the history entry): the newest by
# default in Markdown, by a prefix as JSON, and as an HTML page written to a file.
wait_until 30 "the card of ${v2}" kubectl aviary -n "${ns}" card "${name}" "${v2}"
ka -n "${ns}" card "${name}"
expect 0 "# Model card: ${name} revision ${v2}"
[[ "${OUT}" == *$'\n**Promoted** at '* ]] || fail "the card does not show the outcome Promoted: ${OUT}"
log "card:"$'\n'"$(head -n 3 <<<"${OUT}")"
ka -n "${ns}" card "${name}" "${v2:0:6}" --json
expect 0
jq -e --arg rev "${v2}" '.revision == $rev and .outcome == "Promoted"' <<<"${OUT}" >/dev/null ||
  fail "card --json of ${v2:0:6} is not ${v2} Promoted: ${OUT}"
card_html="$(mktemp)"
ka -n "${ns}" card "${name}" --html "${card_html}"
expect 0 "wrote ${card_html} ("
[[ "$(head -c 15 "${card_html}")" == "<!DOCTYPE html>" ]] || fail "card --html wrote no HTML page: $(head -c 200 "${card_html}")"
[[ "${ERR}" == *"($(stat -c %s "${card_html}") bytes)"* ]] || fail "card --html says another size: ${ERR}"
rm -f "${card_html}"
ka -n "${ns}" card "${name}" ffffffff
expect 1 "the revisions with cards: ${v2}, ${REV1}"

new_revision "${ns}" "${name}" "${provider}" --version 3 --model churn/v1 --metrics "${metrics}" --steps "${steps}"
v3="${REV2}"
ka -n "${ns}" abort "${name}"
expect 0 "abort requested"
ka -n "${ns}" status "${name}" -w --timeout 90s
expect 3 "Failed"
ka -n "${ns}" history "${name}"
grep -Eq "^${v3} +Aborted " <<<"$(tail -n 1 <<<"${OUT}")" || fail "history does not end with ${v3} Aborted: ${OUT}"
ka -n "${ns}" promote "${name}"
expect 1 "no rollout is running (phase Failed); retry restarts the failed revision"
ka -n "${ns}" retry "${name}"
expect 0 "retry requested"
md_wait 60 "${ns}" "${name}" "retrying the aborted revision from step 0" \
  ".status.phase == \"Progressing\" and .status.canaryRevision == \"${v3}\" and (.status.currentStep // 0) == 0"
ka -n "${ns}" promote "${name}" --full
expect 0
ka -n "${ns}" status "${name}" --watch --timeout 120s
expect 0 "Succeeded"
md_wait 10 "${ns}" "${name}" "the retried revision promoted" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${v3}\""
jq -e '(.status.requests // {}) == {}' <<<"${MD}" >/dev/null || fail "requests left: $(jq -c .status.requests <<<"${MD}")"
ka -n "${ns}" retry "${name}"
expect 1 "only a failed rollout can be retried (phase Succeeded)"

# kubectl's kubeconfig rules. A second file with only a context (namespace e2e-cli) that names the test
# bed's cluster and user: merged with the first through KUBECONFIG, or alone with --kubeconfig (then the
# cluster is missing).
extra="$(mktemp)"
cat >"${extra}" <<YAML
apiVersion: v1
kind: Config
contexts:
- name: cli
  context: {cluster: aviary-e2e, user: aviary-e2e-admin, namespace: ${ns}}
YAML
KUBECONFIG="${AVIARY_CLUSTER_DIR}/missing:${AVIARY_CLUSTER_DIR}/kubeconfig:${extra}" ka --context cli get "${name}"
expect 0
grep -Eq "^${name} +Succeeded " <<<"${OUT}" || fail "get through the merged KUBECONFIG list: ${OUT}"
ka --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" -n "${ns}" history "${name}"
expect 0 "${v3}"
ka --kubeconfig "${extra}" --context cli get "${name}"
expect 1 "no entry named \"aviary-e2e\""
ka --context no-such-context get
expect 1 "no-such-context"
ka --kubeconfig "${AVIARY_CLUSTER_DIR}/no-such-file" get
expect 1 "no-such-file does not exist"
rm -f "${extra}"

# Errors say which object and namespace; exit codes a script can branch on.
ka -n "${ns}" status nope
expect 1 "modeldeployment \"nope\" not found in namespace \"${ns}\""
ka -n no-such-namespace pause "${name}"
expect 1 "modeldeployment \"${name}\" not found in namespace \"no-such-namespace\""
ka get "${name}"
expect 1 "not found in namespace \"default\""
ka -n "${ns}" status
expect 2 "status needs exactly one NAME"
ka frobnicate
expect 2 "unknown command \"frobnicate\""
ka -n "${ns}" promote "${name}" --watch
expect 2 "unknown flag: --watch"
ka status --help
expect 0 "Exit codes:"
rm -rf "${plugin_dir}"
kc delete namespace "${ns}" --wait=false >/dev/null
