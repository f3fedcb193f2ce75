#!/usr/bin/env bash
# The Helm chart (charts/aviary) on the real API server:
# - `helm lint` and `helm template`: what each set of values renders (RBAC mode, hardening, optional
#   objects), and what the schema and the templates refuse;
# - `helm install`: the controller Deployment becomes Available (on kwok pods, which run nothing);
# - the real aviary-controller, run here as a local process with the chart's own arguments and a
#   kubeconfig holding a token of the chart's ServiceAccount (TokenRequest, not the admin certificate),
#   holds the chart's Lease and completes a rollout through an indefinite pause that a user's
#   status.requests lets go on: the chart's RBAC is enough, and its log has no refusal;
# - `kubectl auth can-i --list` of that ServiceAccount equals the table below, so a right the
#   controller does not use, or a missing one, fails here;
# - the ValidatingAdmissionPolicy: even a cluster admin's write of status.phase, status.stableRevision
#   or the removal of status.history is refused with the policy's message, a write of status.requests
#   passes, and the controller's own status writes pass (the rollout);
# - `helm upgrade` to replicaCount 2, a PodDisruptionBudget and watchNamespaces: Roles instead of the
#   ClusterRole (can-i again, per namespace), two controllers of which one leads and the other takes
#   over, and a second rollout under the Roles;
# - `helm uninstall`: no object labelled with the release is left anywhere in the cluster. The CRD stays
#   (Helm never deletes CRDs, by design); it is the only aviary-labelled object left;
# - deploy/kubernetes/aviary.yaml, the install with kubectl apply, is what the chart renders; it
#   applies (the Deployment becomes Available) and `kubectl delete -f` removes all of it.
# shellcheck source=e2e/lib/scenario.sh
source "$(dirname "$0")/../lib/scenario.sh"
# shellcheck source=e2e/lib/controller.sh
source "${E2E_DIR}/lib/controller.sh"
# shellcheck source=e2e/lib/rollouts.sh
source "${E2E_DIR}/lib/rollouts.sh"

CHART="${REPO_ROOT}/charts/aviary"
RELEASE=aviary
SYSTEM_NS=e2e-helm-system  # the release's namespace
NS=e2e-helm                # where the ModelDeployment lives
OTHER_NS=e2e-helm-other    # outside watchNamespaces after the upgrade
SA_USER="system:serviceaccount:${SYSTEM_NS}:${RELEASE}"
KUBE_VERSION=1.35.4        # helm template's target (it does not ask a server)
helm_() { "$(bin_path helm)" --kubeconfig "${AVIARY_CLUSTER_DIR}/kubeconfig" "$@"; }
render() { helm_ template "${RELEASE}" "${CHART}" -n "${SYSTEM_NS}" --kube-version "${KUBE_VERSION}" "$@"; }
# kinds_of: "Kind namespace/name" of every object in the YAML stream on stdin, sorted.
kinds_of() { kc create --dry-run=client -o json -f - | jq -r '.items // [.] | .[] | "\(.kind) \(.metadata.namespace // "")/\(.metadata.name)"' | sort; }
as_json() { kc create --dry-run=client -o json -f -; }

# ---------------------------------------------------------------------------------------------------
# The rights the controller uses, as `kubectl auth can-i --list` prints them (columns: resource,
# non-resource URLs, resource names, verbs), beyond those of any ServiceAccount. Derived from the code:
# the informers list and watch ModelDeployments, and the Deployments and Services labelled
# app.kubernetes.io/managed-by=aviary; get re-reads a ModelDeployment after a Conflict; update is the
# finalizer; status is a PUT; finalizers: blockOwnerDeletion in the owned objects' ownerReferences;
# server-side apply patches (and creates) Deployments and Services; ReplicaSets are listed for an old
# stable's template after an abort during promotion; model-card ConfigMaps are applied, listed and
# deleted; a drift webhook's Secret is read (get only); events.k8s.io Events are created and
# their series patched; the gatewayAPI router gets and merge-patches the HTTPRoute; leader election
# reads and renews the chart's one Lease.
WORKLOAD_GRANTS='configmaps [] [] [list create patch delete]
deployments.apps [] [] [list watch create patch]
events.events.k8s.io [] [] [create patch]
httproutes.gateway.networking.k8s.io [] [] [get patch]
modeldeployments.aviary.dev [] [] [get list watch update]
modeldeployments.aviary.dev/finalizers [] [] [update]
modeldeployments.aviary.dev/status [] [] [update]
replicasets.apps [] [] [list]
secrets [] [] [get]
services [] [] [list watch create patch]'
LEASE_GRANT='leases.coordination.k8s.io [] [aviary-controller] [get update]'

# grants NS: what the chart's ServiceAccount may do in NS beyond what a ServiceAccount without any
# binding may (discovery, self reviews), one row a line, sorted.
grants() {
  local base
  base="$(kc auth can-i --list --as="system:serviceaccount:${SYSTEM_NS}:nobody" -n "$1" |
    tail -n +2 | awk '{$1 = $1; print}' | LC_ALL=C sort -u)"
  kc auth can-i --list --as="${SA_USER}" -n "$1" | tail -n +2 | awk '{$1 = $1; print}' | LC_ALL=C sort -u |
    LC_ALL=C comm -23 - <(echo "${base}")
}
# expect_grants NS EXPECTED: grants NS is exactly EXPECTED (rows in any order; "" for none).
expect_grants() {
  local got want
  got="$(grants "$1")"
  want="$(printf '%s\n' "$2" | sed '/^$/d' | LC_ALL=C sort -u)"
  if [[ "${got}" != "${want}" ]]; then
    fail "the chart's ServiceAccount in $1 may do (< granted, > expected):"$'\n'"$(diff <(echo "${got}") <(echo "${want}"))"
  fi
  log "can-i --list of ${SA_USER} in $1, beyond any ServiceAccount's:"
  if [[ -n "${got}" ]]; then
    awk '{ printf "    %-40s %s\n", $1, substr($0, length($1) + 2) }' <<<"${got}" >&2
  else
    echo "    (nothing)" >&2
  fi
}

# ---------------------------------------------------------------------------------------------------
log "helm lint and helm template"
"${REPO_ROOT}/scripts/check-chart-copies.sh" >&2
helm_ lint --strict "${CHART}" >/dev/null || fail "helm lint --strict: $(helm_ lint --strict "${CHART}" 2>&1)"
helm_ lint --strict "${CHART}" --set 'watchNamespaces={a,b}' --set replicaCount=2 \
  --set podDisruptionBudget.enabled=true --set serviceMonitor.enabled=true >/dev/null ||
  fail "helm lint --strict with watchNamespaces, 2 replicas, PDB and ServiceMonitor failed"

# Defaults: a ClusterRole, the leader-election Role on one Lease, the admission policy, nothing optional.
got="$(render | kinds_of)"
want="ClusterRole /${RELEASE}
ClusterRoleBinding /${RELEASE}
Deployment ${SYSTEM_NS}/${RELEASE}
Lease ${SYSTEM_NS}/aviary-controller
Role ${SYSTEM_NS}/${RELEASE}-leader-election
RoleBinding ${SYSTEM_NS}/${RELEASE}-leader-election
Service ${SYSTEM_NS}/${RELEASE}-metrics
ServiceAccount ${SYSTEM_NS}/${RELEASE}
ValidatingAdmissionPolicy /${RELEASE}-status
ValidatingAdmissionPolicyBinding /${RELEASE}-status"
[[ "${got}" == "${want}" ]] || fail "helm template with the defaults renders"$'\n'"${got}"$'\n'"expected"$'\n'"${want}"

# The controller container is hardened, probed, and leader election is on.
deployment="$(render --show-only templates/deployment.yaml | as_json)"
jq -e '.spec.template.spec as $p | $p.containers[0] as $c |
  $p.securityContext.runAsNonRoot == true and $p.securityContext.seccompProfile.type == "RuntimeDefault" and
  $c.securityContext.runAsNonRoot == true and $c.securityContext.readOnlyRootFilesystem == true and
  $c.securityContext.allowPrivilegeEscalation == false and $c.securityContext.capabilities.drop == ["ALL"] and
  $c.securityContext.seccompProfile.type == "RuntimeDefault" and
  $c.livenessProbe.httpGet.path == "/healthz" and $c.readinessProbe.httpGet.path == "/readyz" and
  ($c.resources.requests | has("cpu") and has("memory")) and
  ($c.args | index("--leader-elect=true")) != null and ($c.args | index("--sidecar-cpu-request=250m")) != null' \
  <<<"${deployment}" >/dev/null || fail "the Deployment is not hardened, probed and electing a leader: $(jq -c .spec.template.spec <<<"${deployment}")"

# watchNamespaces: a Role and RoleBinding in each, no ClusterRole, --namespaces, the policy bound to them.
got="$(render --set 'watchNamespaces={team-a,team-b}' | kinds_of | grep -E '^(Cluster)?Role')"
want="Role ${SYSTEM_NS}/${RELEASE}-leader-election
Role team-a/${RELEASE}
Role team-b/${RELEASE}
RoleBinding ${SYSTEM_NS}/${RELEASE}-leader-election
RoleBinding team-a/${RELEASE}
RoleBinding team-b/${RELEASE}"
[[ "${got}" == "${want}" ]] || fail "helm template with watchNamespaces renders"$'\n'"${got}"$'\n'"expected"$'\n'"${want}"
render --set 'watchNamespaces={team-a,team-b}' --show-only templates/deployment.yaml | grep -q -- '- --namespaces=team-a,team-b' ||
  fail "with watchNamespaces the controller is not given --namespaces=team-a,team-b"
render --set 'watchNamespaces={team-a,team-b}' --show-only templates/admissionpolicy.yaml | as_json |
  jq -e '.items // [.] | .[] | select(.kind == "ValidatingAdmissionPolicyBinding") | .spec.matchResources.namespaceSelector.matchExpressions[0].values == ["team-a","team-b"]' >/dev/null ||
  fail "with watchNamespaces the admission policy is not bound to those namespaces only"

# Optional objects, and Prometheus auth mounted as files (no right on Secrets).
got="$(render --set serviceMonitor.enabled=true --set podDisruptionBudget.enabled=true --set prometheusRule.enabled=true \
  --set 'prometheusRule.groups[0].name=g' --set 'prometheusRule.groups[0].rules[0].alert=A' \
  --set 'prometheusRule.groups[0].rules[0].expr=vector(1)' | grep -E '^kind: (ServiceMonitor|PodDisruptionBudget|PrometheusRule)$' | sort | tr '\n' ' ')"
[[ "${got}" == "kind: PodDisruptionBudget kind: PrometheusRule kind: ServiceMonitor " ]] ||
  fail "serviceMonitor, podDisruptionBudget and prometheusRule enabled render: ${got}"
auth="$(render --set prometheus.auth.bearerToken.secretName=prom-token --set prometheus.auth.ca.configMapName=prom-ca \
  --show-only templates/deployment.yaml | as_json)"
jq -e '.spec.template.spec as $p | ($p.containers[0].args | index("--prometheus-bearer-token-file=/etc/aviary/prometheus/token/token")) != null and
  ($p.containers[0].args | index("--prometheus-ca-file=/etc/aviary/prometheus/ca/ca.crt")) != null and
  ([$p.volumes[].secret.secretName // empty] == ["prom-token"]) and ([$p.volumes[].configMap.name // empty] == ["prom-ca"])' \
  <<<"${auth}" >/dev/null || fail "Prometheus auth is not mounted as files: $(jq -c .spec.template.spec <<<"${auth}")"

# auditWebhook.url: the webhook and its spool on an emptyDir, the root filesystem still read-only.
audit="$(render --set auditWebhook.url=http://audit.compliance:8080/aviary --show-only templates/deployment.yaml | as_json)"
jq -e '.spec.template.spec as $p | $p.containers[0] as $c |
  ($c.args | index("--audit-webhook=http://audit.compliance:8080/aviary")) != null and
  ($c.args | index("--audit-spool=/var/lib/aviary/audit")) != null and
  ([$c.volumeMounts[] | select(.mountPath == "/var/lib/aviary/audit") | .name] == ["audit-spool"]) and
  ([$p.volumes[] | select(.name == "audit-spool") | has("emptyDir")] == [true]) and
  $c.securityContext.readOnlyRootFilesystem == true' <<<"${audit}" >/dev/null ||
  fail "auditWebhook.url does not give the webhook a spool on an emptyDir: $(jq -c .spec.template.spec <<<"${audit}")"
jq -e '[.spec.template.spec.containers[0].args[] | select(startswith("--audit-"))] == []' <<<"${deployment}" >/dev/null ||
  fail "the defaults pass an --audit- flag"

# What the schema and the templates refuse, each with its reason.
refused() {
  local want="$1" out
  shift
  if out="$(render "$@" 2>&1)"; then fail "helm template $* was accepted; expected: ${want}"; fi
  [[ "${out}" == *"${want}"* ]] || fail "helm template $* was refused, but not with \"${want}\": ${out}"
  log "refused as expected: helm template $*"
}
refused "leaderElection.enabled" --set replicaCount=2 --set leaderElection.enabled=false
refused "replicaCount" --set replicaCount=two
refused "auditWebhook/url" --set auditWebhook.url=audit.compliance:8080
refused "additional properties" --set replicaCont=2
refused "/logging/format" --set logging.format=xml
# prometheusRule.enabled alone: the chart's copy of deploy/prometheus/aviary-alerts.yaml, every alert of it.
want_alerts="$(grep -E '^ *- alert:' "${REPO_ROOT}/deploy/prometheus/aviary-alerts.yaml" | awk '{print $3}' | sort | tr '\n' ' ')"
got_alerts="$(render --set prometheusRule.enabled=true --show-only templates/prometheusrule.yaml |
  grep -E '^ *- alert:' | awk '{print $3}' | sort | tr '\n' ' ')"
[[ -n "${want_alerts// /}" && "${got_alerts}" == "${want_alerts}" ]] ||
  fail "prometheusRule.enabled renders alerts [${got_alerts}], deploy/prometheus has [${want_alerts}]"
log "prometheusRule.enabled renders the alerts of deploy/prometheus: ${got_alerts}"

# ---------------------------------------------------------------------------------------------------
# The shared controller of scenarios 50-55 (admin certificate) would reconcile this scenario's
# ModelDeployment too, and the admission policy refuses its status writes: stop it.
# shellcheck disable=SC2317
stop_shared() { stop_process "${CONTROLLER}"; }
with_controller_lock stop_shared
CONTROLLER=aviary-controller-helm  # lib/controller.sh's dumps read this process's log
LEADER=aviary-controller-helm STANDBY=aviary-controller-helm-standby

# Idempotent: a previous run's release goes first (its record lives in its namespace), and its
# ModelDeployments lose aviary's finalizer, which no controller is left to remove.
helm_ uninstall "${RELEASE}" -n "${SYSTEM_NS}" --ignore-not-found --wait >/dev/null 2>&1 || true
for ns in "${NS}" "${OTHER_NS}"; do
  for md in $(kc get modeldeployments.aviary.dev -n "${ns}" -o name 2>/dev/null); do
    kc patch "${md}" -n "${ns}" --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null
  done
done
kc delete namespace "${OTHER_NS}" --ignore-not-found --wait --timeout 60s >/dev/null
fresh_namespace "${SYSTEM_NS}"
fresh_namespace "${NS}"
on_failure "${NS}" churn
EXIT_HOOK=stop_helm_controllers
# shellcheck disable=SC2317
stop_helm_controllers() { stop_process "${LEADER}" 5; stop_process "${STANDBY}" 5; }

log "helm install ${RELEASE} in ${SYSTEM_NS}"
helm_ install "${RELEASE}" "${CHART}" -n "${SYSTEM_NS}" --set prometheus.url="${PROMETHEUS_URL}" \
  --set logging.format=text --wait --timeout 120s >/dev/null
kc wait -n "${SYSTEM_NS}" "deployment/${RELEASE}" --for condition=Available --timeout 60s >/dev/null
kc get validatingadmissionpolicy "${RELEASE}-status" >/dev/null

# A kubeconfig with a token of the chart's ServiceAccount (TokenRequest), the CA of the API server.
sa_kubeconfig="${AVIARY_CLUSTER_DIR}/helm-sa.kubeconfig"
rm -f "${sa_kubeconfig}"
token="$(kc create token "${RELEASE}" -n "${SYSTEM_NS}" --duration 1h)"
skc() { "$(bin_path kubectl)" --kubeconfig "${sa_kubeconfig}" "$@"; }
skc config set-cluster e2e --server "${APISERVER_URL}" --certificate-authority "${AVIARY_CLUSTER_DIR}/pki/ca.crt" --embed-certs >/dev/null
skc config set-credentials aviary --token "${token}" >/dev/null
skc config set-context aviary --cluster e2e --user aviary >/dev/null
skc config use-context aviary >/dev/null
whoami="$(skc auth whoami -o jsonpath='{.status.userInfo.username}')"
[[ "${whoami}" == "${SA_USER}" ]] || fail "the token's user is ${whoami}, not ${SA_USER}"
if skc get secrets -n "${SYSTEM_NS}" >/dev/null 2>&1; then fail "the chart's ServiceAccount may read Secrets"; fi
log "kubeconfig with the token of ${whoami}"

# controller_args: the arguments of the chart's controller container, as installed.
controller_args() {
  kc get deployment "${RELEASE}" -n "${SYSTEM_NS}" -o json | jq -r '.spec.template.spec.containers[0].args[]'
}
# start_sa_controller NAME: the real controller with the chart's arguments, on the token, on a port of
# its own (the last occurrence of a flag wins); waits for /readyz.
start_sa_controller() {
  local name="$1" port args
  mapfile -t args < <(controller_args)
  port="$(free_port)"
  echo "http://127.0.0.1:${port}" >"${AVIARY_CLUSTER_DIR}/${name}-url"
  start_process "${name}" "$(controller_bin)" "${args[@]}" --kubeconfig "${sa_kubeconfig}" \
    --http-address "127.0.0.1:${port}"
  wait_until 60 "${name} /readyz" curl -fsS --max-time 2 "http://127.0.0.1:${port}/readyz" || {
    process_alive_or_dump "${name}" || true
    fail "${name} did not become ready on 127.0.0.1:${port}"
  }
}
lease_holder() { kc get lease aviary-controller -n "${SYSTEM_NS}" -o jsonpath='{.spec.holderIdentity}'; }
holds_lease() { [[ -n "$(lease_holder)" ]]; }
[[ -n "$(controller_bin)" ]] || fail "aviary-controller is not built (ninja -C build aviary-controller)"
[[ -n "$(sidecar_bin)" ]] || fail "aviary-sidecar is not built: the ModelDeployment's pods would get no process"
log "the controller's arguments from the chart: $(controller_args | tr '\n' ' ')"
start_sa_controller "${LEADER}"
wait_until 30 "the chart's Lease to be held" holds_lease || fail "nobody holds the Lease ${SYSTEM_NS}/aviary-controller"
log "${LEADER} leads: Lease holder $(lease_holder)"

# ---------------------------------------------------------------------------------------------------
log "a rollout by the controller on the chart's ServiceAccount"
first_rollout "${NS}" churn gatewayAPI
md_record "${NS}" churn "${STATUS_LOG}"
traffic_start "${NS}" churn gatewayAPI
new_revision "${NS}" churn gatewayAPI --version 2 --model churn/v2 \
  --steps '[{setWeight: 30}, {pause: {}}, {setWeight: 60}]'
md_wait 120 "${NS}" churn "at the indefinite pause (step 1, 30 %)" \
  '.status.phase == "Paused" and .status.currentStep == 1 and .status.canaryWeight == 30'

# The admission policy, mid-rollout, against the cluster admin (system:masters passes RBAC, not this).
status_patch() { kc patch modeldeployments.aviary.dev churn -n "${NS}" --subresource=status --type=merge -p "$1" 2>&1; }
policy_refuses() {
  local patch="$1" field="$2" out
  if out="$(status_patch "${patch}")"; then fail "the status write ${patch} was accepted"; fi
  [[ "${out}" == *"ValidatingAdmissionPolicy '${RELEASE}-status'"*"may change status fields other than status.requests"*"changes status.${field}"* ]] ||
    fail "the status write ${patch} was refused, but not by the policy naming status.${field}: ${out}"
  log "refused: ${patch}: ${out##*denied request: }"
}
policy_refuses '{"status":{"phase":"Succeeded"}}' phase
policy_refuses "{\"status\":{\"stableRevision\":\"${REV2}\"}}" stableRevision
policy_refuses '{"status":{"history":null}}' history
policy_refuses '{"status":{"requests":{"paused":true},"canaryWeight":100}}' canaryWeight
md_field "${NS}" churn '.status.phase + " " + .status.stableRevision' | grep -qx "Paused ${REV1}" ||
  fail "a refused write changed the status: $(md_summary "${NS}" churn)"
# A user with only the right to write the status subresource: refused on phase, allowed on requests.
kc apply -n "${NS}" -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: rollout-operator}
rules: [{apiGroups: [aviary.dev], resources: [modeldeployments/status], verbs: [get, patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rollout-operator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: rollout-operator}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: jane}]
YAML
if out="$(kc patch modeldeployments.aviary.dev churn -n "${NS}" --as jane --subresource=status --type=merge \
  -p '{"status":{"phase":"Failed"}}' 2>&1)"; then fail "jane's write of status.phase was accepted"; fi
[[ "${out}" == *"changes status.phase"* ]] || fail "jane's write of status.phase was refused, but not by the policy: ${out}"
log "jane may not write status.phase: refused by the policy"
kc patch modeldeployments.aviary.dev churn -n "${NS}" --as jane --subresource=status --type=merge \
  -p '{"status":{"requests":{"promote":"step"}}}' >/dev/null || fail "jane's write of status.requests was refused"
log "jane asked for promote step through status.requests: accepted"

# The controller acts on jane's request, clears it (its own status write), and promotes.
md_wait 180 "${NS}" churn "Succeeded with the new revision as stable" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\" and (.status.requests // {} | length) == 0"
jq -e ".status.history[-1] | .revision == \"${REV2}\" and .outcome == \"Promoted\"" <<<"${MD}" >/dev/null ||
  fail "the last history entry is not ${REV2} Promoted: $(jq -c .status.history <<<"${MD}")"
canary_cut "${NS}" churn gatewayAPI
expect_revision_traffic "${NS}" "${REV2}"
traffic_stop
record_stop
[[ -n "$(kc get events.events.k8s.io -n "${NS}" -o json |
  jq -r '.items[] | select(.regarding.kind == "ModelDeployment" and .reportingController == "aviary.dev/controller") | .reason' | head -n 1)" ]] ||
  fail "the controller wrote no Event about the ModelDeployment"
# Events and the HTTPRoute writes are not on the status path: a refusal there would not stop the rollout.
if grep -aEi 'forbidden|\b403\b' "${AVIARY_CLUSTER_DIR}/logs/${LEADER}.log"; then
  fail "the controller was refused something (its log above)"
fi
log "promoted ${REV2} on the chart's ServiceAccount; Events written; no refusal in the controller's log"

expect_grants "${NS}" "${WORKLOAD_GRANTS}"
expect_grants "${SYSTEM_NS}" "${WORKLOAD_GRANTS}"$'\n'"${LEASE_GRANT}"

# ---------------------------------------------------------------------------------------------------
log "helm upgrade: 2 replicas, a PodDisruptionBudget, watchNamespaces=${NS}"
kc create namespace "${OTHER_NS}" >/dev/null
helm_ upgrade "${RELEASE}" "${CHART}" -n "${SYSTEM_NS}" --reuse-values --set replicaCount=2 \
  --set podDisruptionBudget.enabled=true --set "watchNamespaces={${NS}}" --wait --timeout 120s >/dev/null
ready="$(kc get deployment "${RELEASE}" -n "${SYSTEM_NS}" -o jsonpath='{.status.readyReplicas}')"
[[ "${ready}" == 2 ]] || fail "after the upgrade ${ready:-0} controller pods are ready, expected 2"
kc get poddisruptionbudget "${RELEASE}" -n "${SYSTEM_NS}" >/dev/null
[[ -z "$(kc get clusterrole,clusterrolebinding -l "app.kubernetes.io/instance=${RELEASE}" -o name)" ]] ||
  fail "the ClusterRole is left after the upgrade to watchNamespaces"
expect_grants "${NS}" "${WORKLOAD_GRANTS}"
expect_grants "${SYSTEM_NS}" "${LEASE_GRANT}"
expect_grants "${OTHER_NS}" ""

# Two controllers on the new arguments (--namespaces): one leads, the other waits ready, then takes over.
stop_process "${LEADER}"
controller_args | grep -qx -- "--namespaces=${NS}" || fail "the upgraded controller is not given --namespaces=${NS}"
start_sa_controller "${LEADER}"
wait_until 30 "a Lease holder" holds_lease
first_holder="$(lease_holder)"
start_sa_controller "${STANDBY}"
sleep 3
[[ "$(lease_holder)" == "${first_holder}" ]] || fail "the Lease moved to $(lease_holder) when a standby started"
log "two controllers ready, ${first_holder} leads"
stop_process "${LEADER}"
# shellcheck disable=SC2317
new_holder() { local h; h="$(lease_holder)"; [[ -n "${h}" && "${h}" != "${first_holder}" ]]; }
wait_until 30 "the standby to take the Lease" new_holder || fail "the standby did not take over the Lease"
log "the standby took over: $(lease_holder)"

# A rollout under the Roles, led by the controller that took over.
traffic_start "${NS}" churn gatewayAPI
new_revision "${NS}" churn gatewayAPI --version 3 --model churn/v1
md_wait 180 "${NS}" churn "Succeeded with revision 3 (${REV2}) as stable" \
  ".status.phase == \"Succeeded\" and .status.stableRevision == \"${REV2}\""
traffic_stop
if grep -aEi 'forbidden|\b403\b' "${AVIARY_CLUSTER_DIR}/logs/${STANDBY}.log"; then
  fail "the controller was refused something under the Roles (its log above)"
fi
log "promoted under the Roles of watchNamespaces"

# The policy binds to the watched namespaces only: elsewhere another installation may own the status.
md_manifest churn | kc apply -n "${OTHER_NS}" -f - >/dev/null
kc patch modeldeployments.aviary.dev churn -n "${OTHER_NS}" --subresource=status --type=merge \
  -p '{"status":{"phase":"Progressing"}}' >/dev/null || fail "the policy refused a status write outside watchNamespaces"
out="$(status_patch '{"status":{"phase":"Failed"}}')" && fail "the policy let a status.phase write through in ${NS}"
log "the policy applies in ${NS} only: ${out##*denied request: }"
kc delete namespace "${OTHER_NS}" --wait=false >/dev/null

# ---------------------------------------------------------------------------------------------------
log "helm uninstall"
# The ModelDeployment first, while its controller runs to remove the finalizer (route back, objects gone).
kc delete modeldeployments.aviary.dev churn -n "${NS}" --wait --timeout 60s >/dev/null
stop_helm_controllers
helm_ uninstall "${RELEASE}" -n "${SYSTEM_NS}" --wait --timeout 60s >/dev/null
kc delete namespace "${OTHER_NS}" --ignore-not-found --wait --timeout 60s >/dev/null
# Every kind the API serves that can be listed, in every namespace.
kinds="$(kc api-resources --verbs=list -o name | paste -sd, -)"
left="$(kc get "${kinds}" -A -l "app.kubernetes.io/instance=${RELEASE}" -o name 2>/dev/null)"
[[ -z "${left}" ]] || fail "helm uninstall left objects of the release:"$'\n'"${left}"
left="$(kc get "${kinds}" -A -l app.kubernetes.io/name=aviary -o name 2>/dev/null)"
[[ "${left}" == "customresourcedefinition.apiextensions.k8s.io/modeldeployments.aviary.dev" ]] ||
  fail "after helm uninstall, aviary-labelled objects other than the CRD are left:"$'\n'"${left}"
namespaced="$(kc api-resources --verbs=list --namespaced=true -o name | paste -sd, -)"
left="$(kc get "${namespaced}" -n "${SYSTEM_NS}" -o name 2>/dev/null |
  grep -vE '^(serviceaccount/default|configmap/kube-root-ca.crt|event(\.events\.k8s\.io)?/.*)$' || true)"
[[ -z "${left}" ]] || fail "helm uninstall left objects in ${SYSTEM_NS}:"$'\n'"${left}"
log "nothing of the release is left; the CRD modeldeployments.aviary.dev stays, as Helm keeps CRDs by design"
kc delete namespace "${NS}" "${SYSTEM_NS}" --wait=false >/dev/null

# ---------------------------------------------------------------------------------------------------
# The install without Helm: the committed manifest is what the chart renders, applies, and deletes cleanly.
manifest="${REPO_ROOT}/deploy/kubernetes/aviary.yaml"
log "kubectl apply -f deploy/kubernetes/aviary.yaml"
HELM="$(bin_path helm)" "${REPO_ROOT}/scripts/render-install-manifest.sh" --check >&2
kc apply -f "${manifest}" >/dev/null
kc wait -n aviary-system deployment/aviary --for condition=Available --timeout 90s >/dev/null
kc get validatingadmissionpolicy/aviary-status clusterrole/aviary -o name >/dev/null
kc delete -f "${manifest}" --wait --timeout 90s >/dev/null
left="$(kc get "${kinds}" -A -l "app.kubernetes.io/instance=${RELEASE}" -o name 2>/dev/null)"
[[ -z "${left}" ]] || fail "kubectl delete -f left objects of the manifest:"$'\n'"${left}"
log "the manifest installed a controller that became Available; kubectl delete -f removed all of it"
