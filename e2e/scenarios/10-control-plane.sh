#!/usr/bin/env bash
# The control plane works end to end: the apiserver reports the pinned version, two kwok nodes are Ready, and
# a Deployment becomes Available through ReplicaSet -> scheduler -> kwok-managed pods.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
ns=e2e-control-plane

version="$(kc version -o json | jq -r .serverVersion.gitVersion)"
[[ "${version}" == "${K8S_VERSION}" ]] || fail "apiserver reports ${version}, expected ${K8S_VERSION}"
log "apiserver version ${version}"

ready="$(kc get nodes -l type=kwok -o json |
  jq '[.items[] | select(any(.status.conditions[]; .type == "Ready" and .status == "True"))] | length')"
((ready == 2)) || fail "${ready} kwok nodes Ready, expected 2"

fresh_namespace "${ns}"
kc apply -n "${ns}" -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: example.invalid/web:1}
YAML
kc wait -n "${ns}" deployment/web --for condition=Available --timeout 90s >/dev/null ||
  fail "Deployment web did not become Available"
running="$(kc get pods -n "${ns}" -l app=web -o json |
  jq '[.items[] | select(.status.phase == "Running" and (.spec.nodeName | startswith("kwok-node-")))] | length')"
((running == 3)) || fail "${running} pods Running on kwok nodes, expected 3"

# A rolling update replaces every pod: the ReplicaSet and kwok's pod deletion stage both work.
kc set image -n "${ns}" deployment/web web=example.invalid/web:2 >/dev/null
kc rollout status -n "${ns}" deployment/web --timeout 90s >/dev/null || fail "rolling update did not finish"
old="$(kc get pods -n "${ns}" -l app=web -o json |
  jq '[.items[] | select(.spec.containers[0].image != "example.invalid/web:2")] | length')"
((old == 0)) || fail "${old} pods of the old template remain"

kc delete namespace "${ns}" --wait=false >/dev/null
log "Deployment became Available and rolled through kwok pods"
