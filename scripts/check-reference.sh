#!/usr/bin/env bash
# Fails when docs/reference.md is not what scripts/gen-reference.py renders from the CRD, i.e. when
# the CRD changed without `make reference`.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."

# Debian's python3 has python3-yaml (scripts/install-deps.sh); another python3 on PATH may not.
python=python3
if [[ -x /usr/bin/python3 ]]; then python=/usr/bin/python3; fi

expected="$(mktemp)"
trap 'rm -f "${expected}"' EXIT
"${python}" scripts/gen-reference.py crds/aviary.dev_modeldeployments.yaml >"${expected}"
if ! diff -u docs/reference.md "${expected}" >&2; then
  echo "check-reference: docs/reference.md is out of date with the CRD; run make reference" >&2
  exit 1
fi
