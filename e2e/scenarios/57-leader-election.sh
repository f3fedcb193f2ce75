#!/usr/bin/env bash
# Leader election on a real API server: of two aviary-controller processes with --leader-elect, one leads
# and the other waits. When another identity takes the Lease (as a partitioned leader would find on its
# return), the deposed leader stops and exits non-zero ("lost the leader election") so that a fresh process
# campaigns again; once that Lease expires the standby takes over; SIGTERM ends a leader cleanly (exit 0).
# The two watch an empty namespace only, so they do not act beside the shared controller.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
ns=e2e-leader lease=e2e-leader-test
logs="${AVIARY_CLUSTER_DIR}/logs"

bin="$(controller_bin)"
[[ -n "${bin}" ]] || fail "aviary-controller is not built"
fresh_namespace "${ns}"

pids=()
stop_all() { for pid in "${pids[@]}"; do kill "${pid}" 2>/dev/null || true; done; }
trap stop_all EXIT
start_candidate() {  # start_candidate NAME: a controller that campaigns for the test's Lease
  "${bin}" --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" --prometheus-url "$(cat "${AVIARY_CLUSTER_DIR}/prometheus-url")" \
    --leader-elect=true --leader-election-namespace "${ns}" --leader-election-id "${lease}" \
    --namespaces "${ns}" --http-address "127.0.0.1:$(free_port)" --log-format text >"${logs}/$1.log" 2>&1 &
  pids+=($!)
}
holder() { kc get lease "${lease}" -n "${ns}" -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
leads() { grep -q "leading: starting the controller" "${logs}/$1.log"; }
someone_leads() { leads leader-a || leads leader-b; }

start_candidate leader-a
start_candidate leader-b
wait_until 60 "one of the two to lead" someone_leads || fail "neither leads; lease holder: $(holder)"
if leads leader-a; then
  leader=leader-a leader_pid="${pids[0]}" standby=leader-b standby_pid="${pids[1]}"
else
  leader=leader-b leader_pid="${pids[1]}" standby=leader-a standby_pid="${pids[0]}"
fi
sleep 4  # a few renewals
! leads "${standby}" || fail "both lead"
log "${leader} leads as $(holder); ${standby} waits"

# Another identity takes the Lease for 8 s.
now="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)"
kc patch lease "${lease}" -n "${ns}" --type merge \
  -p "{\"spec\":{\"holderIdentity\":\"thief\",\"acquireTime\":\"${now}\",\"renewTime\":\"${now}\",\"leaseDurationSeconds\":8}}" >/dev/null
deadline=$((SECONDS + 40))
while kill -0 "${leader_pid}" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "the deposed leader still runs 40 s after losing its Lease: $(tail -n 5 "${logs}/${leader}.log")"
  sleep 1
done
rc=0
wait "${leader_pid}" || rc=$?
((rc != 0)) || fail "the deposed leader exited 0"
grep -q "lost the leader election" "${logs}/${leader}.log" ||
  fail "the deposed leader did not say why it stopped: $(tail -n 5 "${logs}/${leader}.log")"
log "${leader} exited ${rc} after losing its Lease"

wait_until 60 "${standby} to take over once the Lease expires" leads "${standby}" ||
  fail "${standby} never led; lease holder: $(holder)"
[[ "$(holder)" != thief ]] || fail "the Lease is still the thief's"
kill -TERM "${standby_pid}"
rc=0
wait "${standby_pid}" || rc=$?
((rc == 0)) || fail "${standby} exited ${rc} on SIGTERM: $(tail -n 5 "${logs}/${standby}.log")"
log "${standby} led, then stopped cleanly on SIGTERM"
kc delete namespace "${ns}" --wait=false >/dev/null
