#!/usr/bin/env bash
# The data-plane path: pods of two revisions on kwok nodes get local processes from the runner, Prometheus
# scrapes them through file_sd with namespace/pod/revision labels, and the load generator splits inference
# traffic by an HTTPRoute's weights. The processes are dataplane/standin.sh, so this needs no model.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
ns=e2e-dataplane

fresh_namespace "${ns}"
# This scenario proves the path, not the model server: always the stand-in process.
standin_args() { printf '%s\n' --model-name=churn --model-uri=file:///models/churn/model.json; }
deploy_revisions "${ns}" --weights 80,20 --replicas 2,2 --args-of standin_args \
  --annotation e2e.aviary.dev/process=standin

# The runner starts one process per Running pod, and Prometheus finds all four through file_sd.
wait_scraped 60 "${ns}" 4
wait_prom 30 "count(up{namespace=\"${ns}\",revision=\"canary\"} == 1)" '. == 2'

# 200 requests split 80/20 by the HTTPRoute: about 40 to the canary (binomial sd ~ 5.7); Prometheus sees the
# same numbers per revision.
send_split "${ns}" 200 20 60 --duration 120

# Scaling a revision down stops its processes and removes their scrape targets.
kc scale -n "${ns}" deployment/churn-canary --replicas 0 >/dev/null
wait_until 60 "canary processes to stop" bash -c \
  "! ls '${AVIARY_CLUSTER_DIR}/dataplane/targets/' | grep -q '^${ns}_churn-canary-'"
wait_scraped 30 "${ns}" 2

kc delete namespace "${ns}" --wait=false >/dev/null
log "data-plane path proven: runner -> processes -> Prometheus, loadgen follows HTTPRoute weights"
