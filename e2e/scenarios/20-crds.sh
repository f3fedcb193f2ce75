#!/usr/bin/env bash
# The CRDs are served: aviary's ModelDeployment accepts the examples and rejects invalid objects with the
# schema's messages; the Gateway API and Istio kinds aviary routes through are there.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
ns=e2e-crds
testdata="${E2E_DIR}/testdata"

for crd in httproutes.gateway.networking.k8s.io virtualservices.networking.istio.io; do
  kc wait --for condition=Established "crd/${crd}" --timeout 30s >/dev/null || fail "CRD ${crd} not Established"
done

if ! kc get crd modeldeployments.aviary.dev >/dev/null 2>&1; then
  [[ -n "$(ls "${REPO_ROOT}"/crds/*.yaml 2>/dev/null)" ]] && fail "crds/ exists but modeldeployments.aviary.dev is not served"
  skip "no crds/ in this checkout yet"
fi
kc wait --for condition=Established crd/modeldeployments.aviary.dev --timeout 30s >/dev/null

fresh_namespace "${ns}"
shopt -s nullglob
examples=("${REPO_ROOT}"/examples/*.yaml "${testdata}"/valid/*.yaml)
((${#examples[@]} > 0)) || fail "no example ModelDeployment to try"
for f in "${examples[@]}"; do
  # Only the ModelDeployments of an example (it may also hold Services, HTTPRoutes...), in our namespace.
  objects="$(kc create --dry-run=client -o json -f "${f}" |
    jq -c 'if .kind == "List" then .items[] else . end | select(.kind == "ModelDeployment")
      | del(.metadata.namespace)')"
  [[ -n "${objects}" ]] || continue
  kc apply -n "${ns}" --server-side --field-manager e2e -f - <<<"${objects}" >/dev/null ||
    fail "valid ${f} was rejected"
  log "accepted: ${f#"${REPO_ROOT}/"}"
done

# Each invalid fixture names the message it must be rejected with on a line "# expect: ...".
for f in "${testdata}"/invalid/*.yaml; do
  expected="$(sed -n 's/^# expect: //p' "${f}")"
  [[ -n "${expected}" ]] || fail "${f} has no '# expect:' line"
  expect_rejected "${f}" "${expected}"
done

kc delete namespace "${ns}" --wait=false >/dev/null
