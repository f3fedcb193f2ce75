#!/usr/bin/env bash
# The data-plane path: pods of two revisions on kwok nodes get local processes from the runner, Prometheus
# scrapes them through file_sd with namespace/pod/revision labels, and the load generator splits inference
# traffic by an HTTPRoute's weights. The processes are dataplane/standin.sh, so this needs no model.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
ns=e2e-dataplane

fresh_namespace "${ns}"
for rev in stable canary; do
  kc apply -n "${ns}" -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: churn-${rev}}
spec:
  replicas: 2
  selector: {matchLabels: {app: churn, aviary.dev/revision: ${rev}}}
  template:
    metadata:
      labels: {app: churn, aviary.dev/revision: ${rev}, aviary.dev/modeldeployment: churn}
      # This scenario proves the path, not the model server: always the stand-in process.
      annotations: {e2e.aviary.dev/process: standin}
    spec:
      containers:
      - name: aviary-sidecar
        image: example.invalid/aviary-sidecar:dev
        args: [--model-name=churn, --model-uri=file:///models/churn/model.json]
---
apiVersion: v1
kind: Service
metadata: {name: churn-${rev}}
spec:
  selector: {app: churn, aviary.dev/revision: ${rev}}
  ports: [{port: 8080}]
YAML
done
kc apply -n "${ns}" -f - >/dev/null <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: churn}
spec:
  rules:
  - backendRefs:
    - {name: churn-stable, port: 8080, weight: 80}
    - {name: churn-canary, port: 8080, weight: 20}
YAML
for rev in stable canary; do
  kc wait -n "${ns}" "deployment/churn-${rev}" --for condition=Available --timeout 90s >/dev/null
done

# The runner starts one process per Running pod, and Prometheus finds all four through file_sd.
wait_prom 60 "count(up{namespace=\"${ns}\"} == 1)" '. == 4'
wait_prom 30 "count(up{namespace=\"${ns}\",revision=\"canary\"} == 1)" '. == 2'

# 200 requests split 80/20 by the HTTPRoute; the counts must be close to that (binomial sd ~ 5.7).
summary="$("${E2E_DIR}/dataplane/loadgen.sh" --namespace "${ns}" --httproute churn --model churn \
  --requests 200 --duration 120)"
log "loadgen: ${summary}"
canary="$(jq '.by_revision.canary["200"] // 0' <<<"${summary}")"
stable="$(jq '.by_revision.stable["200"] // 0' <<<"${summary}")"
((canary + stable == 200)) || fail "expected 200 successful requests, got ${canary} canary + ${stable} stable"
((canary >= 20 && canary <= 60)) || fail "canary got ${canary} of 200 requests, expected about 40 (20%)"

# Prometheus sees the same numbers per revision, as the controller's gates will read them.
wait_prom 30 "sum(aviary_inference_requests_total{namespace=\"${ns}\",revision=\"canary\",code=\"200\"})" ". == ${canary}"
wait_prom 30 "sum(aviary_inference_requests_total{namespace=\"${ns}\",revision=\"stable\",code=\"200\"})" ". == ${stable}"

# Scaling a revision down stops its processes and removes their scrape targets.
kc scale -n "${ns}" deployment/churn-canary --replicas 0 >/dev/null
wait_until 60 "canary processes to stop" bash -c \
  "! ls '${AVIARY_CLUSTER_DIR}/dataplane/targets/' | grep -q '^${ns}_churn-canary-'"
wait_prom 30 "count(up{namespace=\"${ns}\"} == 1)" '. == 2'

kc delete namespace "${ns}" --wait=false >/dev/null
log "data-plane path proven: runner -> processes -> Prometheus, loadgen follows HTTPRoute weights"
