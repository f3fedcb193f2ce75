#!/usr/bin/env bash
# The Helm chart installs the CRDs from its own crds/ folder (Helm reads nothing outside the chart), so
# it carries copies of the repository's crds/. Fails, naming the files, when the two folders differ;
# `cp crds/*.yaml charts/aviary/crds/` brings the chart up to date.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

if ! out="$(diff -r crds charts/aviary/crds 2>&1)"; then
  echo "check-chart-crds: charts/aviary/crds differs from crds (run: cp crds/*.yaml charts/aviary/crds/):" >&2
  echo "${out}" | head -n 40 >&2
  exit 1
fi
echo "check-chart-crds: charts/aviary/crds is the same as crds ($(ls crds | wc -l) files)"
