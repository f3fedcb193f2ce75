# The live view of one ModelDeployment, rendered from `kubectl get modeldeployments,deployments,events -o json`
# (one List) and Prometheus' request rates per pod and code.
#
# Arguments: $md (name), $title (what is being rolled out), $elapsed (seconds), $clock (HH:MM:SS),
# $color (true: ANSI colours), $mode ("frame": the full screen; "line": one line that summarises the
# state, prefixed by a key that changes only when the state does), $traffic (Prometheus vector result).

def pad($n): tostring | if length >= $n then .[0:$n] else . + (" " * ($n - length)) end;
def rpad($n): tostring | if length >= $n then . else (" " * ($n - length)) + . end;
def paint($code): if $color then "\u001b[\($code)m\(.)\u001b[0m" else . end;
def bold: paint("1");
def dim: paint("2");
def bar($n; $c): if $n > 0 then $c * $n else "" end;  # jq: a string times 0 is null
def short: if . == null or . == "" then "-" else .[0:8] end;
def round_to($digits): (. * pow(10; $digits) | round) / pow(10; $digits);
def num: if . == null then "-" elif (. | type) == "number" then (if . == (. | floor) then tostring else round_to(3) | tostring end) else tostring end;
def clocktime: if . == null then "" else (sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | strflocaltime("%H:%M:%S")) end;

def unit($builtin):
  {errorRate: " %", latencyP99: " ms", latencyP50: " ms"}[$builtin // ""] // "";
def fmt_value($builtin):
  if . == null then "-"
  elif $builtin == "errorRate" then (round_to(2) | tostring) + " %"
  elif ($builtin // "") | startswith("latency") then (round_to(1) | tostring) + " ms"
  else round_to(3) | tostring end;
def threshold:
  (.builtin // null) as $b
  | if .min != null and .max != null then "\(.min | num) .. \(.max | num)\(unit($b))"
    elif .max != null then "<= \(.max | num)\(unit($b))"
    elif .min != null then ">= \(.min | num)\(unit($b))"
    else "-" end;
def verdict:
  if . == "Pass" then "PASS" | paint("1;32")
  elif . == "Fail" then "FAIL" | paint("1;31")
  elif . == "Error" then "ERROR" | paint("1;31")
  elif . == "NoData" then "NO DATA" | paint("33")
  else "-" | dim end;
def phase_paint:
  if . == "Succeeded" then paint("1;32")
  elif . == "Failed" or . == "RollingBack" then paint("1;31")
  elif . == "Paused" then paint("1;33")
  else paint("1;36") end;

# The model version a Deployment runs, from its sidecar's --model-version flag.
def model_version:
  [.spec.template.spec.containers[]? | select(.name == "aviary-sidecar") | .args[]?
   | select(startswith("--model-version=")) | ltrimstr("--model-version=")] | first // "?";

def step_text:
  if .setWeight != null then "\(.setWeight)%"
  elif .pause != null then (if .pause.duration then "pause \(.pause.duration)" else "pause (manual)" end)
  else "?" end;

[.items[] | select(.kind == "ModelDeployment" and .metadata.name == $md)] as $mds
| ($mds | first) as $o
| [.items[] | select(.kind == "Deployment")] as $deploys
| ([$deploys[] | select(.metadata.name == "\($md)-stable")] | first) as $stable_deploy
| ([$deploys[] | select(.metadata.name == "\($md)-canary")] | first) as $canary_deploy
| [.items[] | select(.kind == "Event" and .involvedObject.kind == "ModelDeployment" and .involvedObject.name == $md)
   | {at: (.series.lastObservedTime // .lastTimestamp // .eventTime // .metadata.creationTimestamp),
      type, reason, message: ((.message // .note // "") | gsub("\n"; " "))}]
  | sort_by(.at) as $events
| if $o == null then
    if $mode == "line" then "waiting\tModelDeployment \($md) not found yet" else "aviary demo: waiting for ModelDeployment \($md)" end
  else
    ($o.status // {}) as $s
    | ($o.spec.strategy.steps // []) as $steps
    | ($s.phase // "Pending") as $phase
    | ($s.canaryWeight // 0) as $weight
    | ($s.currentStep // 0) as $step
    | [$o.spec.analysis.metrics[]? as $m
       | ([$s.analysis[]? | select(.name == $m.name)] | first) as $r
       | {name: $m.name, builtin: ($m.builtin // "prometheus"), threshold: ($m | threshold),
          value: ($r.value | fmt_value($m.builtin)), result: ($r.result // null), message: ($r.message // "")}] as $gates
    | ($s.canaryRevision // "") as $canary
    # Traffic per role over the last seconds: pods are named after their Deployment.
    | ([$traffic[]? | {role: (.metric.pod // "" | if startswith("\($md)-canary-") then "canary"
                                                   elif startswith("\($md)-stable-") then "stable" else "other" end),
                       code: (.metric.code // "?"), rate: (.value[1] | tonumber)}]
       | group_by(.role) | map({key: .[0].role, value: {total: (map(.rate) | add),
           codes: (group_by(.code) | map({key: .[0].code, value: (map(.rate) | add)}) | from_entries)}})
       | from_entries) as $rates
    | def role_traffic($role):
        ($rates[$role] // {total: 0, codes: {}}) as $t
        | "\($t.total | round_to(1)) req/s"
          + (if $t.total > 0 then " (" + ([$t.codes | to_entries[] | select(.value > 0)
               | "\(.key): \((.value / $t.total * 100) | round)%"] | join(", ")) + ")" else "" end);
    if $mode == "line" then
      # Key: phase, step, weight, revisions and every gate's verdict; the values follow.
      ([$phase, ($step | tostring), ($weight | tostring), ($s.stableRevision // ""), $canary,
        ($s.failedChecks // 0 | tostring)] + [$gates[] | "\(.name)=\(.result)"] | join(" ")) as $key
      | "\($key)\t\($phase) step \($step)/\($steps | length) canary \($weight)%"
        + " stable \($s.stableRevision | short) canary \($canary | short)"
        + ([$gates[] | " | \(.name) \(.value) (\(.threshold)) \(.result // "-" | ascii_upcase)"] | join(""))
        + (if ($s.failedChecks // 0) > 0 then " | failed checks \($s.failedChecks)/\($o.spec.analysis.failureLimit // 2)" else "" end)
    else
      ([
        (("aviary demo" | bold) + "  ModelDeployment \($o.metadata.namespace)/\($md)" + ("    \($clock)  +\($elapsed)s" | dim)),
        ($title | paint("1;35")),
        "",
        ("  phase    " + ($phase | pad(13) | phase_paint) + "  " + (($s.message // "") | .[0:70])),
        ("  stable   " + ($s.stableRevision | short | pad(9)) + "model " + ($stable_deploy | if . then model_version else "-" end)),
        ("  canary   " + (if $canary == "" then "-" else ($canary | short | pad(9)) + "model " + ($canary_deploy | if . then model_version else "?" end) end)),
        ("  steps    " + ([$steps | to_entries[] | (.value | step_text) as $t
                            | if $phase == "Succeeded" or $canary == "" then $t | dim
                              elif .key < $step then ("✓ " + $t) | dim
                              elif .key == $step then ("▶ " + $t) | paint("1;36")
                              else $t end] | join("  "))),
        ("  weight   [" + (bar($weight * 40 / 100 | floor; "█") | paint("35")) + bar(40 - ($weight * 40 / 100 | floor); "·")
          + "]  canary \($weight)%  stable \(100 - $weight)%"),
        ("  traffic  stable " + role_traffic("stable") + "   canary " + role_traffic("canary")),
        "",
        ("  " + ("gate" | pad(14)) + ("builtin" | pad(16)) + ("value" | pad(12)) + ("threshold" | pad(16)) + "result"),
        ($gates[] | "  " + (.name | pad(14)) + (.builtin | pad(16)) + (.value | pad(12)) + (.threshold | pad(16))
                   + (.result | verdict) + (if .message != "" and .result != "Pass" then "  " + (.message | .[0:50] | dim) else "" end)),
        ("  failed checks \($s.failedChecks // 0) of \($o.spec.analysis.failureLimit // 2) allowed, every \($o.spec.analysis.interval // "30s")"),
        "",
        ("  conditions  " + ([$s.conditions[]? | "\(.type)=\(.status)" + (if .reason then " (\(.reason))" else "" end)] | join("  "))),
        "",
        ("  recent events" | bold),
        ($events[-6:][] | . as $e | "  " + (.at | clocktime) + "  " + ((.reason // "") | pad(20))
                          + ((.message // "") | .[0:90]) | if $e.type == "Warning" then paint("33") else . end),
        (if ($s.history // []) | length > 0 then "", ("  history" | bold),
           ($s.history[-4:][] | "  " + (.at | clocktime) + "  " + (.revision | short) + "  "
                                + (.outcome | pad(11)) + (.reason // "")) else empty end)
      ] | join("\n"))
    end
  end
