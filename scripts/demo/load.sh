#!/usr/bin/env bash
# Steady load for the demo: e2e/dataplane/loadgen.sh in rounds of 30 s through the HTTPRoute NAME of NS
# (so a round that ends on an API error costs a second, not the rest of the demo), until DURATION_S have
# passed or it is sent SIGTERM. Each round's JSON summary goes to stdout.
# Usage: load.sh NS NAME BODY DURATION_S
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ns="$1" route="$2" body="$3" duration="$4"
child=""
trap '[[ -n "${child}" ]] && kill -TERM "${child}" 2>/dev/null; exit 0' TERM INT

end=$((SECONDS + duration))
while ((SECONDS < end)); do
  "${here}/../../e2e/dataplane/loadgen.sh" --namespace "${ns}" --httproute "${route}" --model churn \
    --body "${body}" --requests 1000000 --duration "$((end - SECONDS < 30 ? end - SECONDS : 30))" &
  child=$!
  wait "${child}" || sleep 1
  child=""
done
