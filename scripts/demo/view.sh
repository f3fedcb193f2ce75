# The demo's live view of the ModelDeployment $md in namespace $ns (sourced by scripts/demo/run.sh, after
# e2e/lib/common.sh and the test bed's env). On a terminal it redraws one screen a second (view.jq); when
# stdout is not a terminal it prints one line per change of state and one per new event instead.
# shellcheck shell=bash

view_jq="$(dirname "${BASH_SOURCE[0]}")/view.jq"
# Events already printed (line mode), across rollouts: "uid/count".
declare -A view_seen_events=()

# Request rates per pod and status code over the last 10 s, as Prometheus scraped them.
view_traffic() {
  curl -fsS --max-time 2 "${PROMETHEUS_URL}/api/v1/query" --data-urlencode \
    "query=sum by (pod, code) (rate(aviary_inference_requests_total{namespace=\"${ns}\"}[10s]))" |
    jq -c '.data.result // []' 2>/dev/null || echo '[]'
}

# watch_rollout TITLE STABLE_BEFORE TIMEOUT_S: shows the rollout until it has ended: the spec's generation
# is observed and the phase is Succeeded with a stable revision other than STABLE_BEFORE (empty: any), or
# Failed. Returns 1 after TIMEOUT_S seconds.
watch_rollout() {
  local title="$1" before="$2" timeout="$3" start=${SECONDS} snapshot traffic frame line key last_key=""
  local tty=false
  [[ -t 1 ]] && tty=true
  local done_filter='[.items[] | select(.kind == "ModelDeployment" and .metadata.name == $md)] | first
    | . != null and (.status.observedGeneration // 0) >= .metadata.generation
      and ((.status.phase == "Succeeded" and (.status.stableRevision // "") != $before
            and (.status.stableRevision // "") != "")
           or .status.phase == "Failed")'
  if ${tty}; then printf '\e[H\e[2J'; else echo "--- ${title}"; fi
  while true; do
    snapshot="$(kc get modeldeployments.aviary.dev,deployments,events -n "${ns}" -o json 2>/dev/null)" ||
      snapshot='{"items":[]}'
    traffic="$(view_traffic)"
    local args=(--arg md "${md}" --arg title "${title}" --arg elapsed "$((SECONDS - start))"
      --arg clock "$(date +%H:%M:%S)" --argjson traffic "${traffic}")
    if ${tty}; then
      frame="$(jq -r -f "${view_jq}" "${args[@]}" --argjson color true --arg mode frame <<<"${snapshot}")"
      # Home, each line cleared to its end, then the rest of the screen: no flicker.
      printf '\e[H%s\e[J' "$(sed 's/$/\x1b[K/' <<<"${frame}")"
      printf '\n'
    else
      line="$(jq -r -f "${view_jq}" "${args[@]}" --argjson color false --arg mode line <<<"${snapshot}")"
      key="${line%%$'\t'*}"
      if [[ "${key}" != "${last_key}" ]]; then
        printf '%s %s\n' "$(date +%H:%M:%S)" "${line#*$'\t'}"
        last_key="${key}"
      fi
      # One line per event and per repetition of it (uid and count).
      while IFS=$'\t' read -r ev_key line; do
        [[ -n "${ev_key}" && -z "${view_seen_events[${ev_key}]:-}" ]] || continue
        view_seen_events["${ev_key}"]=1
        printf '%s   event %s\n' "$(date +%H:%M:%S)" "${line}"
      done < <(jq -r --arg md "${md}" '[.items[]
          | select(.kind == "Event" and .involvedObject.kind == "ModelDeployment" and .involvedObject.name == $md)]
          | sort_by(.series.lastObservedTime // .lastTimestamp // .eventTime // .metadata.creationTimestamp)[]
          | "\(.metadata.uid)/\(.series.count // .count // 1)\t\(.type // "Normal") \(.reason // ""): \((.message // .note // "") | gsub("\n"; " "))"' <<<"${snapshot}")
    fi
    if jq -e --arg md "${md}" --arg before "${before}" "${done_filter}" <<<"${snapshot}" >/dev/null; then
      return 0
    fi
    ((SECONDS - start < timeout)) || return 1
    sleep 1
  done
}
