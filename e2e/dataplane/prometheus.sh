#!/usr/bin/env bash
# Starts (start) or stops (stop) the test bed's Prometheus (Debian's) on a free loopback port.
# It scrapes every target listed in $AVIARY_CLUSTER_DIR/dataplane/targets/*.json (file_sd) every 2 s; the
# data-plane runner writes one such file per running pod, labelled namespace/pod/revision/model; and, as job
# aviary-controller, the targets in $AVIARY_CLUSTER_DIR/controller/targets/*.json (lib/controller.sh writes the
# running controller's /metrics there). It evaluates deploy/prometheus/aviary-alerts.yaml.
# Its URL goes to $AVIARY_CLUSTER_DIR/prometheus-url. A start after a stop in the same test bed takes the same
# port again and keeps the stored samples, so the controller and the scenarios find it where it was (the
# MetricsUnavailable scenario stops and restarts it this way).
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

dir="${AVIARY_CLUSTER_DIR}"
targets="${dir}/dataplane/targets"
controller_targets="${dir}/controller/targets"

start() {
  if process_alive prometheus; then return; fi
  command -v prometheus >/dev/null || die "prometheus is not installed (Debian package prometheus)"
  mkdir -p "${dir}/prometheus/data" "${targets}" "${controller_targets}"
  cat >"${dir}/prometheus/prometheus.yml" <<EOC
global:
  scrape_interval: 2s
  scrape_timeout: 1s
  evaluation_interval: 2s
rule_files: ['${REPO_ROOT}/deploy/prometheus/aviary-alerts.yaml']
scrape_configs:
- job_name: aviary-pods
  honor_labels: true  # a pod's own model/revision labels win over the target's
  file_sd_configs:
  - files: ['${targets}/*.json']
    refresh_interval: 1s
- job_name: aviary-controller
  file_sd_configs:
  - files: ['${controller_targets}/*.json']
    refresh_interval: 1s
EOC
  local port=""
  if [[ -s "${dir}/prometheus-url" ]]; then
    port="$(sed -E 's#.*:([0-9]+)$#\1#' "${dir}/prometheus-url")"
    # Taken meanwhile by something else: wait a little (a socket of the old process closing), then give up.
    wait_until 20 "port ${port} of the previous Prometheus to be free" \
      bash -c "! (echo >/dev/tcp/127.0.0.1/${port}) 2>/dev/null" || die "port ${port} is taken"
  else
    port="$(free_port)"
  fi
  start_process prometheus prometheus \
    --config.file "${dir}/prometheus/prometheus.yml" \
    --storage.tsdb.path "${dir}/prometheus/data" \
    --storage.tsdb.retention.time 2h \
    --web.listen-address "127.0.0.1:${port}" \
    --web.enable-lifecycle --log.level warn
  local url="http://127.0.0.1:${port}"
  wait_until 60 "Prometheus /-/ready" curl -fsS "${url}/-/ready" || {
    process_alive_or_dump prometheus
    return 1
  }
  echo "${url}" >"${dir}/prometheus-url"
}

case "${1:-}" in
start) start ;;
stop) stop_process prometheus ;;
*) die "usage: $0 start|stop" ;;
esac
