#!/usr/bin/env bash
# Load generator: sends OIP v2 inference requests to the pod processes of the data plane, split the way the
# cluster says traffic is split, as a gateway would:
#   --httproute NAME        weights of the first rule's backendRefs (Gateway API), each a Service
#   --virtualservice NAME   weights of the first http route's destinations (Istio), each a Service host
#   --selector SELECTOR     no mesh: every Running pod matching SELECTOR (k=v[,k=v...]) gets an equal share
#                           (replica counts)
# A Service's pods are found through its selector, and their local addresses in the runner's endpoints/. The
# split is re-read every --refresh S (default 2) with one kubectl call.
# Bounded: stops after --requests N (default 100) or --duration S (default 60), whichever comes first; --rate R
# caps it at R requests a second (default: as fast as one curl after another goes). SIGTERM ends it early,
# still printing the summary.
# The request body is --body FILE (default: one row of 4 FP32 features); --revision-body REV=FILE sends FILE
# instead to the pods of revision REV (repeatable), e.g. a drifted population that reaches only the canary.
# Prints one JSON summary on stdout: {"sent":N,"by_revision":{"REV":{"200":N,...}},"errors":N}.
#
# Usage: loadgen.sh --namespace NS (--httproute NAME | --virtualservice NAME | --selector SEL)
#                   [--model NAME] [--requests N] [--duration S] [--body FILE] [--revision-body REV=FILE]
#                   [--refresh S] [--rate R]
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

ns="" route_kind="" route_name="" model="model" requests=100 duration=60 body_file="" refresh=2 rate=0
declare -A revision_body=()
while (($#)); do
  case "$1" in
  --namespace) ns="$2" ;;
  --httproute) route_kind=httproute route_name="$2" ;;
  --virtualservice) route_kind=virtualservice route_name="$2" ;;
  --selector) route_kind=selector route_name="$2" ;;
  --model) model="$2" ;;
  --requests) requests="$2" ;;
  --duration) duration="$2" ;;
  --body) body_file="$2" ;;
  --revision-body)
    [[ "$2" == *=* && -r "${2#*=}" ]] || die "--revision-body wants REV=FILE with a readable FILE, got $2"
    revision_body["${2%%=*}"]="$(cat "${2#*=}")"
    ;;
  --refresh) refresh="$2" ;;
  --rate) rate="$2" ;;
  *) die "unknown argument $1" ;;
  esac
  shift 2
done
[[ -n "${ns}" && -n "${route_kind}" ]] || die "need --namespace and one of --httproute, --virtualservice, --selector"

body='{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[[0.1,0.2,0.3,0.4]]}]}'
[[ -n "${body_file}" ]] && body="$(cat "${body_file}")"
endpoints="${AVIARY_CLUSTER_DIR}/dataplane/endpoints/${ns}"
revision_label="${AVIARY_REVISION_LABEL:-aviary.dev/revision}"

# The split as the cluster states it now, as lines "WEIGHT POD=REVISION,POD=REVISION...": one per backend
# with a weight above 0, listing its Running pods (a Service's through its selector). One kubectl call.
split_now() {
  local kinds=pods,services
  case "${route_kind}" in
  httproute) kinds+=,httproutes.gateway.networking.k8s.io ;;
  virtualservice) kinds+=,virtualservices.networking.istio.io ;;
  esac
  kc get "${kinds}" -n "${ns}" -o json | jq -r --arg kind "${route_kind}" --arg name "${route_name}" \
    --arg rl "${revision_label}" '
    .items as $all
    | [$all[] | select(.kind == "Pod" and .status.phase == "Running" and .metadata.deletionTimestamp == null)]
      as $pods
    | def service_selector($svc): [$all[] | select(.kind == "Service" and .metadata.name == $svc)
        | .spec.selector // {}][0] // {};
      def members($sel): if ($sel | length) == 0 then [] else
        [$pods[] | . as $p | select($sel | to_entries | all(.value == $p.metadata.labels[.key]))] end;
    (if $kind == "selector" then
       [{weight: 1, selector: ($name | split(",") | map(split("=") | {(.[0]): (.[1:] | join("="))}) | add)}]
     elif $kind == "httproute" then
       [$all[] | select(.kind == "HTTPRoute" and .metadata.name == $name) | .spec.rules[0].backendRefs // []
        | .[] | {weight: (.weight // 1), selector: service_selector(.name)}]
     else
       [$all[] | select(.kind == "VirtualService" and .metadata.name == $name) | .spec.http[0].route // []
        | (length) as $n | .[]
        | {weight: (.weight // (if $n == 1 then 100 else 0 end)),
           selector: service_selector(.destination.host | split(".")[0])}]
     end)
    | .[] | select(.weight > 0)
    | "\(.weight) \([members(.selector)[] | "\(.metadata.name)=\(.metadata.labels[$rl] // "none")"] | join(","))"'
}

declare -a weights=() targets=()
total=0
# Backends with a weight and at least one pod the runner has a process for: weights[i], and targets[i] as
# "ADDRESS REVISION;ADDRESS REVISION...".
load_split() {
  weights=() targets=() total=0
  local weight members pod_rev pods member_list
  while read -r weight members; do
    [[ -n "${members}" ]] || continue
    pods=""
    IFS=',' read -r -a member_list <<<"${members}"
    for pod_rev in "${member_list[@]}"; do
      [[ -s "${endpoints}/${pod_rev%%=*}" ]] && pods+="$(<"${endpoints}/${pod_rev%%=*}") ${pod_rev#*=};"
    done
    [[ -n "${pods}" ]] || continue
    weights+=("${weight}")
    targets+=("${pods}")
    total=$((total + weight))
  done < <(split_now || true)
}

declare -A counts=()
sent=0 errors=0

summary() {
  for k in "${!counts[@]}"; do echo "${k} ${counts[${k}]}"; done |
    jq -R -s --argjson sent "${sent}" --argjson errors "${errors}" '
      split("\n") | map(select(length > 0) | split(" ")) |
      reduce .[] as $e ({}; .[$e[0]][$e[1]] = ($e[2] | tonumber)) |
      {sent: $sent, by_revision: ., errors: $errors}'
}
stopped=0
trap 'stopped=1' TERM

# --rate (may be fractional): the next request is due at next_due_us (microseconds of the wall clock).
gap_us="$(awk -v r="${rate}" 'BEGIN { printf "%d", (r > 0 ? 1000000 / r : 0) }')"
next_due_us=0
pace() {
  ((gap_us > 0)) || return 0
  local now_us=${EPOCHREALTIME/./} wait_us
  wait_us=$((next_due_us - now_us))
  ((wait_us > 0)) && sleep "$((wait_us / 1000000)).$(printf '%06d' $((wait_us % 1000000)))"
  ((next_due_us > now_us)) || next_due_us=${now_us}
  next_due_us=$((next_due_us + gap_us))
}

deadline=$((SECONDS + duration))
next_refresh=0
while ((sent < requests && SECONDS < deadline && !stopped)); do
  if ((SECONDS >= next_refresh)); then
    load_split
    next_refresh=$((SECONDS + refresh))
  fi
  if ((total == 0)); then
    sleep 0.5
    next_refresh=0
    continue
  fi
  pace
  r=$((RANDOM * 32768 + RANDOM))
  r=$((r % total))
  i=0
  while ((r >= weights[i])); do
    r=$((r - weights[i]))
    i=$((i + 1))
  done
  IFS=';' read -r -a pods <<<"${targets[i]}"
  read -r addr rev <<<"${pods[RANDOM % ${#pods[@]}]}"
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
    --data "${revision_body[${rev}]:-${body}}" "http://${addr}/v2/models/${model}/infer" || true)"
  [[ "${code}" == 000 || -z "${code}" ]] && errors=$((errors + 1))
  counts["${rev} ${code:-000}"]=$((${counts["${rev} ${code:-000}"]:-0} + 1))
  sent=$((sent + 1))
done

summary
