#!/usr/bin/env bash
# Load generator: sends OIP v2 inference requests to the pod processes of the data plane, split the way the
# cluster says traffic is split, as a gateway would:
#   --httproute NAME        weights of the first rule's backendRefs (Gateway API), each a Service
#   --virtualservice NAME   weights of the first http route's destinations (Istio), each a Service host
#   --selector SELECTOR     no mesh: every Running pod matching SELECTOR gets an equal share (replica counts)
# A Service's pods are found through its selector, and their local addresses in the runner's endpoints/.
# Bounded: stops after --requests N (default 100) or --duration S (default 60), whichever comes first.
# The request body is --body FILE (default: one row of 4 FP32 features); --revision-body REV=FILE sends FILE
# instead to the pods of revision REV (repeatable), e.g. a drifted population that reaches only the canary.
# Prints one JSON summary on stdout: {"sent":N,"by_revision":{"REV":{"200":N,...}},"errors":N}.
#
# Usage: loadgen.sh --namespace NS (--httproute NAME | --virtualservice NAME | --selector SEL)
#                   [--model NAME] [--requests N] [--duration S] [--body FILE] [--revision-body REV=FILE]
#                   [--refresh S]
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

ns="" route_kind="" route_name="" model="model" requests=100 duration=60 body_file="" refresh=2
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
  *) die "unknown argument $1" ;;
  esac
  shift 2
done
[[ -n "${ns}" && -n "${route_kind}" ]] || die "need --namespace and one of --httproute, --virtualservice, --selector"

body='{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[[0.1,0.2,0.3,0.4]]}]}'
[[ -n "${body_file}" ]] && body="$(cat "${body_file}")"
endpoints="${AVIARY_CLUSTER_DIR}/dataplane/endpoints/${ns}"
revision_label="${AVIARY_REVISION_LABEL:-aviary.dev/revision}"

# Backends as lines "WEIGHT SELECTOR": the traffic split as the cluster states it now.
backends() {
  local services
  case "${route_kind}" in
  selector)
    echo "1 ${route_name}"
    return
    ;;
  httproute)
    services="$(kc get httproute "${route_name}" -n "${ns}" -o json |
      jq -r '.spec.rules[0].backendRefs // [] | .[] | "\(.weight // 1) \(.name)"')"
    ;;
  virtualservice)
    services="$(kc get virtualservice "${route_name}" -n "${ns}" -o json |
      jq -r '.spec.http[0].route // [] | (length) as $n | .[] |
        "\(.weight // (if $n == 1 then 100 else 0 end)) \(.destination.host | split(".")[0])"')"
    ;;
  esac
  local weight svc
  while read -r weight svc; do
    [[ -n "${svc}" ]] || continue
    echo "${weight} $(kc get service "${svc}" -n "${ns}" -o json |
      jq -r '.spec.selector // {} | to_entries | map("\(.key)=\(.value)") | join(",")')"
  done <<<"${services}"
}

# Pods (local address and revision) behind SELECTOR that the runner has a process for.
pods_of() {
  kc get pods -n "${ns}" -l "$1" -o json | jq -r --arg rl "${revision_label}" \
    '.items[] | select(.status.phase == "Running" and .metadata.deletionTimestamp == null)
     | "\(.metadata.name) \(.metadata.labels[$rl] // "none")"' |
    while read -r pod rev; do
      # A Running pod whose process the runner has not started yet gets no traffic (and ends no loop).
      if [[ -s "${endpoints}/${pod}" ]]; then echo "$(cat "${endpoints}/${pod}") ${rev}"; fi
    done
}

declare -a weights=() targets=()
total=0
load_split() {
  weights=() targets=() total=0
  local weight sel pods
  while read -r weight sel; do
    [[ -n "${weight}" ]] || continue
    ((weight > 0)) || continue
    pods="$(pods_of "${sel}" | tr '\n' ';')"
    [[ -n "${pods}" ]] || continue
    weights+=("${weight}")
    targets+=("${pods}")
    total=$((total + weight))
  done < <(backends)
}

declare -A counts=()
sent=0 errors=0
deadline=$((SECONDS + duration))
next_refresh=0
while ((sent < requests && SECONDS < deadline)); do
  if ((SECONDS >= next_refresh)); then
    load_split
    next_refresh=$((SECONDS + refresh))
  fi
  if ((total == 0)); then
    sleep 0.5
    next_refresh=0
    continue
  fi
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

for k in "${!counts[@]}"; do echo "${k} ${counts[${k}]}"; done |
  jq -R -s --argjson sent "${sent}" --argjson errors "${errors}" '
    split("\n") | map(select(length > 0) | split(" ")) |
    reduce .[] as $e ({}; .[$e[0]][$e[1]] = ($e[2] | tonumber)) |
    {sent: $sent, by_revision: ., errors: $errors}'
