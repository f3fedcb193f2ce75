#!/usr/bin/env bash
# The controller at scale (`make bench-controller`, N=100 for a quick run): on the local control plane of
# e2e/ (own state folder, kwok pods, no data plane: the runner is stopped so no sidecar process starts),
# creates N ModelDeployments (replicas provider, 1 replica, one step setWeight 50, no analysis metrics),
# waits until all are Succeeded, then gives each a second revision and waits again; then measures a quiet
# window and prints, against the targets where there is one:
#   controller RSS (VmRSS from /proc, and the peak VmHWM)                       target <= 64 MiB at N=1000
#   aviary's own API writes per object per minute at steady state, from its
#   aviary_controller_kube_requests_total before/after the window (lease
#   renewals apart: one per process, not per object)                            target 0 writes
#   every client's requests in the window, from the apiserver's
#   apiserver_request_total (context: the controller manager's work shows here)
#   reconcile p99 (the controller's own histogram on /metrics)
#   time for all N to reach Succeeded, first revision and second
#
# Usage: bench/controller/run.sh [--count N] [--window S] [--workers W] [--kube-qps Q] [--keep]
#   --count N    ModelDeployments (1000)           --window S  quiet window in seconds (120)
#   --workers W  controller --workers              --kube-qps Q  controller --kube-qps, burst 2Q
#                (both default to the controller's own)
#   --keep       leave the test bed and the controller up afterwards (else stopped at the end)
# State in $AVIARY_BENCH_DIR (/tmp/aviary-bench-controller). Exits 0 when every target passes.
set -o errexit -o nounset -o pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${repo}"
export AVIARY_CLUSTER_DIR="${AVIARY_BENCH_DIR:-/tmp/aviary-bench-controller}"
# Thousands of pods: the controller manager's and scheduler's default client rate limits would be the
# bottleneck, not aviary (see up.sh).
export AVIARY_KUBE_API_QPS="${AVIARY_KUBE_API_QPS:-200}"
# shellcheck source=e2e/lib/common.sh
source "${repo}/e2e/lib/common.sh"

count=1000 window=120 workers="" kube_qps="" keep=false
while (($#)); do
  case "$1" in
  --count) count="$2" && shift ;;
  --window) window="$2" && shift ;;
  --workers) workers="$2" && shift ;;
  --kube-qps) kube_qps="$2" && shift ;;
  --keep) keep=true ;;
  *) die "unknown argument $1 (see the header of $0)" ;;
  esac
  shift
done
ns=bench
build_dir="${BUILD_DIR:-build}"
settle_timeout="${AVIARY_BENCH_SETTLE_TIMEOUT:-1800}"
rss_target_kib=$((64 * 1024))
out="${AVIARY_CLUSTER_DIR}/bench"

controller_bin() {
  local f
  if [[ -n "${AVIARY_CONTROLLER_BIN:-}" ]]; then
    echo "${AVIARY_CONTROLLER_BIN}"
    return
  fi
  for f in "${build_dir}/src/operator/aviary-controller" "${build_dir}/aviary-controller"; do
    [[ -x "${f}" ]] && echo "${f}" && return
  done
  find "${build_dir}" -type f -name aviary-controller -perm -u+x 2>/dev/null | head -n 1
}

# The apiserver's /metrics with the admin client certificate.
apiserver_metrics() {
  local pki="${AVIARY_CLUSTER_DIR}/pki"
  curl -fsS --max-time 10 --cacert "${pki}/ca.crt" --cert "${pki}/admin.crt" --key "${pki}/admin.key" \
    "$(cat "${AVIARY_CLUSTER_DIR}/apiserver-url")/metrics"
}

# apiserver_request_total as lines "VERB GROUP/RESOURCE[/SUBRESOURCE] COUNT", summed over codes.
request_counts() {
  grep '^apiserver_request_total{' | sed -E 's/^apiserver_request_total\{(.*)\} ([0-9.e+]+)$/\1 \2/' |
    awk '{
      labels = $1; value = $2; verb = ""; group = ""; resource = ""; subresource = ""
      n = split(labels, kv, ",")
      for (i = 1; i <= n; i++) {
        split(kv[i], p, "=")
        gsub(/"/, "", p[2])
        if (p[1] == "verb") verb = p[2]
        else if (p[1] == "group") group = p[2]
        else if (p[1] == "resource") resource = p[2]
        else if (p[1] == "subresource") subresource = p[2]
      }
      if (resource == "") next
      key = verb " " (group == "" ? "core" : group) "/" resource (subresource == "" ? "" : "/" subresource)
      sum[key] += value
    }
    END { for (k in sum) printf "%s %d\n", k, sum[k] }' | sort
}

controller_url() { cat "${AVIARY_CLUSTER_DIR}/controller-url"; }

kib_of() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$(cat "${AVIARY_CLUSTER_DIR}/pids/aviary-controller")/status"; }

# Lines "NAME GENERATION OBSERVED PHASE STABLE" for every ModelDeployment of the namespace.
md_states() {
  kc get modeldeployments.aviary.dev -n "${ns}" -o json | jq -r '.items[] |
    "\(.metadata.name) \(.metadata.generation) \(.status.observedGeneration // 0) \(.status.phase // "-") \(.status.stableRevision // "-")"'
}

# wait_settled WHAT [PREVIOUS_STATES_FILE]: polls every 5 s until all N are Succeeded at their generation
# (and, given the states after the first revision, with a different stable revision). Prints the seconds.
wait_settled() {
  local what="$1" previous="${2:-}" start=${SECONDS} done_count=0 states
  while ((SECONDS - start < settle_timeout)); do
    states="$(md_states)"
    if [[ -n "${previous}" ]]; then
      done_count="$(join <(sort <<<"${states}") <(sort "${previous}") |
        awk '$2 == $3 && $4 == "Succeeded" && $5 != "-" && $5 != $9' | wc -l)"
    else
      done_count="$(awk '$2 == $3 && $4 == "Succeeded" && $5 != "-"' <<<"${states}" | wc -l)"
    fi
    log "${what}: ${done_count}/${count} Succeeded after $((SECONDS - start)) s;" \
      "phases: $(awk '{print $4}' <<<"${states}" | sort | uniq -c | awk '{printf "%s %s ", $2, $1}')"
    if ((done_count == count)); then
      echo $((SECONDS - start))
      return 0
    fi
    sleep 5
  done
  return 1
}

# The N ModelDeployments at model version VERSION, as one YAML stream.
manifests() {
  local version="$1" i
  for ((i = 0; i < count; i++)); do
    printf -- '---
apiVersion: aviary.dev/v1alpha1
kind: ModelDeployment
metadata: {name: md-%04d, namespace: %s}
spec:
  model: {name: churn, version: "%s", uri: "file:///models/churn/v1/model.json"}
  replicas: 1
  traffic: {provider: replicas}
  strategy:
    steps: [{setWeight: 50}]
' "${i}" "${ns}" "${version}"
  done
}

# Server-side apply in four parallel streams: one PATCH per object.
apply_all() {
  manifests "$1" >"${out}/md-$1.yaml"
  local chunk=$(((count + 3) / 4)) parts=() i pids=()
  awk -v per="${chunk}" -v dir="${out}" -v v="$1" '/^---$/ { n++ } { print > (dir "/part-" v "-" int((n - 1) / per) ".yaml") }' \
    "${out}/md-$1.yaml"
  for i in "${out}/part-$1-"*.yaml; do
    kc apply --server-side --field-manager aviary-bench -f "${i}" >/dev/null &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "${i}"; done
}

# p99 of the controller's reconcile duration histogram (all label sets summed), from the cumulative
# buckets on /metrics: the smallest bucket bound that holds 99 % of the observations.
# aviary_controller_kube_requests_total as lines "VERB RESOURCE COUNT", summed over codes.
aviary_request_counts() {
  curl -fsS --max-time 5 "$(controller_url)/metrics" | grep '^aviary_controller_kube_requests_total{' |
    sed -E 's/.*resource="([^"]*)".*verb="([^"]*)"\} ([0-9.e+]+)$/\2 \1 \3/' |
    awk '{ s[$1 " " $2] += $3 } END { for (k in s) print k, s[k] }' | sort
}

reconcile_p99() {
  local metrics hist buckets
  metrics="$(curl -fsS --max-time 5 "$(controller_url)/metrics")"
  hist="$(grep -oE '^aviary_controller_reconcile[a-z_]*_seconds_bucket' <<<"${metrics}" | head -n 1)"
  if [[ -z "${hist}" ]]; then
    echo "n/a (no aviary_controller_reconcile*_seconds histogram on /metrics)"
    return
  fi
  # "LE COUNT" summed over label sets, in increasing LE (+Inf last).
  buckets="$(grep "^${hist}{" <<<"${metrics}" | sed -E 's/.*le="([^"]+)".*\} ([0-9.e+]+)$/\1 \2/' |
    awk '{ s[$1] += $2 } END { for (le in s) print le, s[le] }' | sed 's/^+Inf/inf/' | sort -g)"
  awk -v hist="${hist%_bucket}" '
    { le[NR] = $1; c[NR] = $2 }
    END {
      total = c[NR]
      if (total == 0) { print "n/a (no reconciles counted)"; exit }
      for (i = 1; i <= NR; i++) if (c[i] >= 0.99 * total) {
        if (le[i] == "inf") printf "> %g ms", le[i - 1] * 1000; else printf "<= %g ms", le[i] * 1000
        printf " (bucket bound; %s, %d reconciles)\n", hist, total
        exit
      }
    }' <<<"${buckets}"
}

verdict() { if [[ "$1" == 1 ]]; then echo PASS; else echo FAIL; fi; }

main() {
  local bin
  bin="$(controller_bin)"
  [[ -n "${bin}" ]] || die "aviary-controller is not built under ${build_dir}/ (ninja -C ${build_dir} aviary-controller)"
  log "bench: N=${count}, quiet window ${window} s, state in ${AVIARY_CLUSTER_DIR}"
  ${keep} || trap 'stop_process aviary-controller; "${repo}/e2e/cluster/down.sh"' EXIT
  e2e/cluster/up.sh
  # No data plane: pods stay kwok's fakes, no sidecar process per pod.
  e2e/dataplane/runner.sh stop
  mkdir -p "${out}"
  rm -f "${out}"/*.yaml

  # Room for 2N pods (stable and canary) on four more fake nodes.
  local i pods_per_node=$(((2 * count + 3) / 4 + 50))
  for i in 0 1 2 3; do
    kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: kwok-bench-${i}
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {kubernetes.io/hostname: kwok-bench-${i}, kubernetes.io/os: linux, type: kwok}
spec: {}
status:
  allocatable: {cpu: "1000", memory: 4Ti, pods: "${pods_per_node}"}
  capacity: {cpu: "1000", memory: 4Ti, pods: "${pods_per_node}"}
EOF
  done
  if kc get namespace "${ns}" >/dev/null 2>&1; then kc delete namespace "${ns}" --wait --timeout 600s >/dev/null; fi
  kc create namespace "${ns}" >/dev/null
  wait_until 30 "ServiceAccount default in ${ns}" kc get serviceaccount default -n "${ns}"

  stop_process aviary-controller
  local port args
  port="$(free_port)"
  echo "http://127.0.0.1:${port}" >"${AVIARY_CLUSTER_DIR}/controller-url"
  args=(--kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" --prometheus-url "$(cat "${AVIARY_CLUSTER_DIR}/prometheus-url")"
    --leader-elect=false --http-address "127.0.0.1:${port}" --log-format text)
  [[ -n "${workers}" ]] && args+=(--workers "${workers}")
  [[ -n "${kube_qps}" ]] && args+=(--kube-qps "${kube_qps}" --kube-burst "$((kube_qps * 2))")
  [[ "${bin}" == /* ]] || bin="${repo}/${bin}"
  start_process aviary-controller "${bin}" "${args[@]}"
  wait_until 60 "aviary-controller /readyz" curl -fsS --max-time 2 "$(controller_url)/readyz" ||
    die "aviary-controller did not become ready: $(tail -n 20 "${AVIARY_CLUSTER_DIR}/logs/aviary-controller.log")"
  local rss_idle
  rss_idle="$(kib_of VmRSS)"

  # Times count from the start of the apply (server-side apply of N objects takes seconds itself).
  log "creating ${count} ModelDeployments"
  local t1 t2 t0=${SECONDS}
  apply_all 1
  wait_settled "first revision" >/dev/null || die "not all ${count} Succeeded within ${settle_timeout} s"
  t1=$((SECONDS - t0))
  md_states >"${out}/states-1"
  log "second revision of each"
  t0=${SECONDS}
  apply_all 2
  wait_settled "second revision" "${out}/states-1" >/dev/null ||
    die "not all ${count} promoted the second revision within ${settle_timeout} s"
  t2=$((SECONDS - t0))

  # Steady state: aviary's last writes (status, event series counts, which go out up to 30 s after the
  # event) have landed once it has written nothing for 40 s; then a window in which nothing here polls.
  local writes_now writes_then quiet_since=${SECONDS} settle_deadline=$((SECONDS + 600))
  writes_then="$(aviary_request_counts | awk '$1 ~ /^(POST|PUT|PATCH|DELETE)$/ && $2 !~ /^leases/ { s += $3 } END { print s + 0 }')"
  while ((SECONDS - quiet_since < 40 && SECONDS < settle_deadline)); do
    sleep 5
    writes_now="$(aviary_request_counts | awk '$1 ~ /^(POST|PUT|PATCH|DELETE)$/ && $2 !~ /^leases/ { s += $3 } END { print s + 0 }')"
    [[ "${writes_now}" == "${writes_then}" ]] || quiet_since=${SECONDS}
    writes_then="${writes_now}"
  done
  log "aviary quiet for 40 s; settling took $((SECONDS - t0 - t2)) s after the last Succeeded"
  local before after
  local aviary_before aviary_after
  before="$(apiserver_metrics | request_counts)" aviary_before="$(aviary_request_counts)"
  log "quiet window: ${window} s"
  sleep "${window}"
  after="$(apiserver_metrics | request_counts)" aviary_after="$(aviary_request_counts)"
  local rss hwm p99
  rss="$(kib_of VmRSS)" hwm="$(kib_of VmHWM)" p99="$(reconcile_p99)"

  # Per verb and resource in the window. Node heartbeats and leases are kwok's and the control plane's
  # own; everything else that is written in the window is work the controller caused.
  local delta
  delta="$(join -j 1 <(awk '{print $1"|"$2, $3}' <<<"${before}" | sort) <(awk '{print $1"|"$2, $3}' <<<"${after}" | sort) -a 2 -e 0 -o 0,1.2,2.2 |
    awk '{ d = $3 - $2; if (d > 0) { split($1, k, "|"); print k[1], k[2], d } }')"
  # aviary's own requests in the window, by the controller's count of its API server's answers.
  local aviary_delta
  aviary_delta="$(join -j 1 <(awk '{print $1"|"$2, $3}' <<<"${aviary_before}" | sort) <(awk '{print $1"|"$2, $3}' <<<"${aviary_after}" | sort) -a 2 -e 0 -o 0,1.2,2.2 |
    awk '{ d = $3 - $2; if (d > 0) { split($1, k, "|"); print k[1], k[2], d } }')"
  local minutes writes reads writes_all aviary_leases
  minutes="$(awk -v w="${window}" 'BEGIN { print w / 60 }')"
  writes="$(awk '$1 ~ /^(POST|PUT|PATCH|DELETE)$/ && $2 !~ /^leases/ { s += $3 } END { print s + 0 }' <<<"${aviary_delta}")"
  aviary_leases="$(awk '$1 ~ /^(POST|PUT|PATCH|DELETE)$/ && $2 ~ /^leases/ { s += $3 } END { print s + 0 }' <<<"${aviary_delta}")"
  writes_all="$(awk '$1 ~ /^(POST|PUT|PATCH|DELETE|DELETECOLLECTION|APPLY)$/ && $2 !~ /(leases|nodes)/ { s += $3 } END { print s + 0 }' <<<"${delta}")"
  reads="$(awk '$1 ~ /^(GET|LIST)$/ && $2 ~ /^aviary.dev\// { s += $3 } END { print s + 0 }' <<<"${delta}")"
  local w_per r_per
  w_per="$(awk -v n="${writes}" -v c="${count}" -v m="${minutes}" 'BEGIN { printf "%.4f", n / c / m }')"
  r_per="$(awk -v n="${reads}" -v c="${count}" -v m="${minutes}" 'BEGIN { printf "%.4f", n / c / m }')"

  cat <<EOF

aviary-controller at N=${count} ModelDeployments   $(date -u '+%F %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)
command: bench/controller/run.sh --count ${count} --window ${window}${workers:+ --workers ${workers}}${kube_qps:+ --kube-qps ${kube_qps}}

  all ${count} Succeeded, first revision     ${t1} s from the start of the apply
  all ${count} promoted the second revision  ${t2} s from the start of the apply
  reconcile p99                       ${p99}
  RSS idle (no objects)               $((rss_idle / 1024)) MiB
  RSS at steady state                 $((rss / 1024)) MiB (peak ${hwm} KiB = $((hwm / 1024)) MiB)    target <= 64 MiB   $(verdict "$((rss <= rss_target_kib))")
  aviary's writes / object / minute   ${w_per} (${writes} in ${window} s; its lease renewals apart: ${aviary_leases})    target 0   $(verdict "$((writes == 0))")
  every client's writes in the window ${writes_all} (nodes and leases excluded; the controller manager's work shows here)
  reads of aviary.dev / object / min  ${r_per} (${reads} GET+LIST in ${window} s, every client)

  aviary's requests since it started  $(awk '{ s += $3 } END { print s + 0 }' <<<"${aviary_after}") (its writes: $(awk '$1 ~ /^(POST|PUT|PATCH|DELETE)$/ { s += $3 } END { print s + 0 }' <<<"${aviary_after}"))
  aviary's requests in the quiet window (verb, resource, count):
$(sed 's/^/    /' <<<"${aviary_delta:-none}")
  every client's requests in the quiet window (verb, resource, count):
$(sed 's/^/    /' <<<"${delta:-none}")
EOF
  ((rss <= rss_target_kib && writes == 0))
}

main "$@"
