#!/usr/bin/env bash
# The Helm chart reads nothing outside charts/aviary, so it carries copies of repository files:
# - charts/aviary/crds/ is the repository's crds/ (always);
# - charts/aviary/files/aviary-alerts.yaml, when the chart carries one (its PrometheusRule reads it), is
#   deploy/prometheus/aviary-alerts.yaml.
# Fails, naming the files and the command that brings the copy up to date, when a copy differs.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

status=0
if ! out="$(diff -r crds charts/aviary/crds 2>&1)"; then
  echo "check-chart-copies: charts/aviary/crds differs from crds (run: cp crds/*.yaml charts/aviary/crds/):" >&2
  echo "${out}" | head -n 40 >&2
  status=1
fi
alerts=charts/aviary/files/aviary-alerts.yaml
if [[ -e "${alerts}" ]] && ! out="$(diff deploy/prometheus/aviary-alerts.yaml "${alerts}" 2>&1)"; then
  echo "check-chart-copies: ${alerts} differs from deploy/prometheus/aviary-alerts.yaml (run: cp" \
    "deploy/prometheus/aviary-alerts.yaml ${alerts}):" >&2
  echo "${out}" | head -n 40 >&2
  status=1
fi
((status == 0)) && echo "check-chart-copies: the chart's copies are the same as the repository's files"
exit "${status}"
