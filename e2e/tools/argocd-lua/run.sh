#!/usr/bin/env bash
# Runs deploy/argocd's resource customizations through Argo CD's own Lua runtime (main.go beside this file,
# built by e2e/build-binaries.sh against the Argo CD release in e2e/versions.env and cached; the first run
# builds it, later runs need no network).
#   run.sh test        every health_test.yaml and action_test.yaml case, and argocd-cm.yaml up to date
#   run.sh configmap   regenerates deploy/argocd/argocd-cm.yaml from the scripts
#   run.sh ARGS...     any other argocd-lua command (see main.go)
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../../lib/common.sh"

"${E2E_DIR}/build-binaries.sh" argocd-lua
tool="$(bin_path argocd-lua)"
customizations="${REPO_ROOT}/deploy/argocd/resource_customizations"
configmap="${REPO_ROOT}/deploy/argocd/argocd-cm.yaml"
case "${1:-test}" in
test) exec "${tool}" test "${customizations}" "${configmap}" ;;
configmap)
  "${tool}" configmap "${customizations}" >"${configmap}.tmp"
  mv "${configmap}.tmp" "${configmap}"
  log "wrote ${configmap}"
  ;;
*) exec "${tool}" "$@" ;;
esac
