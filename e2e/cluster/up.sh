#!/usr/bin/env bash
# Starts the local test bed: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (two fake
# nodes) as plain processes on 127.0.0.1, plus Prometheus for the data plane. Installs aviary's CRDs (crds/),
# the Gateway API standard channel and Istio's CRDs, and returns when /readyz is ok and they are Established.
#
# Idempotent: when every recorded process is alive and the apiserver is ready it only re-applies the CRDs.
# State lives in $AVIARY_CLUSTER_DIR (default /tmp/aviary-cluster):
#   kubeconfig        admin kubeconfig (client certificate, embedded data)
#   env               KUBECONFIG, APISERVER_URL, PROMETHEUS_URL, ... in shell syntax
#   prometheus-url    http://127.0.0.1:PORT
#   pids/NAME         one PID per process started; down.sh stops exactly these
#   logs/NAME.log     each process's output, kept after down for failure dumps
set -o errexit -o nounset -o pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/lib/common.sh
source "${here}/../lib/common.sh"

dir="${AVIARY_CLUSTER_DIR}"
pki="${dir}/pki"

install_packages() {
  local missing=() p
  for p in openssl jq curl prometheus socat; do
    dpkg-query -W -f='${Status}' "${p}" 2>/dev/null | grep -q "install ok installed" || missing+=("${p}")
  done
  ((${#missing[@]} == 0)) && return
  log "installing ${missing[*]}"
  local sudo_cmd=()
  ((EUID != 0)) && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

apiserver_ready() {
  [[ -s "${dir}/apiserver-url" ]] || return 1
  curl -fsS --max-time 3 --cacert "${pki}/ca.crt" --cert "${pki}/admin.crt" --key "${pki}/admin.key" \
    "$(cat "${dir}/apiserver-url")/readyz" >/dev/null
}

all_alive() {
  local name
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler kwok prometheus dataplane-runner; do
    process_alive "${name}" || return 1
  done
}

make_pki() {
  mkdir -p "${pki}"
  cd "${pki}"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 365 \
    -subj "/CN=aviary-e2e-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
    -subj "/CN=kube-apiserver" 2>/dev/null
  cat >apiserver.ext <<'EOF'
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment
EOF
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
    -days 365 -extfile apiserver.ext 2>/dev/null
  # Admin client: the system:masters group is bound to cluster-admin.
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr \
    -subj "/O=system:masters/CN=aviary-e2e-admin" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' >client.ext
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt \
    -days 365 -extfile client.ext 2>/dev/null
  # Service-account token signing key pair.
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  rm -f ./*.csr
  cd - >/dev/null
}

write_kubeconfig() {
  local url="$1" kubectl
  kubectl="$(bin_path kubectl)"
  local cfg="${dir}/kubeconfig.tmp"
  rm -f "${cfg}"
  "${kubectl}" config --kubeconfig "${cfg}" set-cluster aviary-e2e --server "${url}" \
    --certificate-authority "${pki}/ca.crt" --embed-certs >/dev/null
  "${kubectl}" config --kubeconfig "${cfg}" set-credentials aviary-e2e-admin \
    --client-certificate "${pki}/admin.crt" --client-key "${pki}/admin.key" --embed-certs >/dev/null
  "${kubectl}" config --kubeconfig "${cfg}" set-context aviary-e2e --cluster aviary-e2e \
    --user aviary-e2e-admin >/dev/null
  "${kubectl}" config --kubeconfig "${cfg}" use-context aviary-e2e >/dev/null
  chmod 600 "${cfg}"
  mv "${cfg}" "${dir}/kubeconfig"
}

start_control_plane() {
  mkdir -p "${dir}/pids" "${dir}/logs" "${dir}/etcd"
  : >"${dir}/ports"
  make_pki

  local etcd_port etcd_peer_port api_port kcm_port sched_port kwok_port
  etcd_port="$(free_port)"
  etcd_peer_port="$(free_port)"
  start_process etcd "$(bin_path etcd)" --name aviary-e2e --data-dir "${dir}/etcd" \
    --listen-client-urls "http://127.0.0.1:${etcd_port}" --advertise-client-urls "http://127.0.0.1:${etcd_port}" \
    --listen-peer-urls "http://127.0.0.1:${etcd_peer_port}" \
    --initial-advertise-peer-urls "http://127.0.0.1:${etcd_peer_port}" \
    --initial-cluster "aviary-e2e=http://127.0.0.1:${etcd_peer_port}" \
    --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn
  wait_until 30 "etcd /health" curl -fsS "http://127.0.0.1:${etcd_port}/health" || {
    process_alive_or_dump etcd
    return 1
  }

  api_port="$(free_port)"
  local url="https://127.0.0.1:${api_port}"
  echo "${url}" >"${dir}/apiserver-url"
  # --endpoint-reconciler-type=none: the "kubernetes" Service's endpoints may not point at a loopback address.
  start_process kube-apiserver "$(bin_path kube-apiserver)" \
    --etcd-servers "http://127.0.0.1:${etcd_port}" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "${api_port}" \
    --endpoint-reconciler-type none \
    --tls-cert-file "${pki}/apiserver.crt" --tls-private-key-file "${pki}/apiserver.key" \
    --client-ca-file "${pki}/ca.crt" \
    --requestheader-client-ca-file "${pki}/ca.crt" --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --service-account-key-file "${pki}/sa.pub" --service-account-signing-key-file "${pki}/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.96.0.0/16 \
    --authorization-mode Node,RBAC --allow-privileged=true \
    --cert-dir "${dir}/apiserver-certs"
  write_kubeconfig "${url}"
  wait_until 120 "kube-apiserver /readyz" apiserver_ready || {
    process_alive_or_dump kube-apiserver
    return 1
  }

  # AVIARY_KUBE_API_QPS raises the client rate limits of the controller manager (20/s by default) and the
  # scheduler (50/s), for benchmarks that make thousands of pods (bench/controller).
  local qps=()
  [[ -n "${AVIARY_KUBE_API_QPS:-}" ]] &&
    qps=(--kube-api-qps "${AVIARY_KUBE_API_QPS}" --kube-api-burst "$((AVIARY_KUBE_API_QPS * 2))")

  kcm_port="$(free_port)"
  start_process kube-controller-manager "$(bin_path kube-controller-manager)" \
    --kubeconfig "${dir}/kubeconfig" \
    --authentication-kubeconfig "${dir}/kubeconfig" --authorization-kubeconfig "${dir}/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "${kcm_port}" --leader-elect=false \
    --service-account-private-key-file "${pki}/sa.key" --root-ca-file "${pki}/ca.crt" \
    --cluster-signing-cert-file "${pki}/ca.crt" --cluster-signing-key-file "${pki}/ca.key" \
    --use-service-account-credentials=false --controllers '*,-nodeipam' \
    --concurrent-deployment-syncs 5 --concurrent-replicaset-syncs 5 "${qps[@]}"

  sched_port="$(free_port)"
  start_process kube-scheduler "$(bin_path kube-scheduler)" \
    --kubeconfig "${dir}/kubeconfig" \
    --authentication-kubeconfig "${dir}/kubeconfig" --authorization-kubeconfig "${dir}/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "${sched_port}" --leader-elect=false "${qps[@]}"

  # kwok stands in for the kubelets of the nodes annotated kwok.x-k8s.io/node=fake.
  kwok_port="$(free_port)"
  start_process kwok "$(bin_path kwok)" \
    --kubeconfig "${dir}/kubeconfig" \
    --config "$(cache_dir kwok "${KWOK_VERSION}")/stages.yaml" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds 40 \
    --cidr 10.244.0.1/16 --node-ip 127.0.0.1 \
    --server-address "127.0.0.1:${kwok_port}"

  "${E2E_DIR}/dataplane/prometheus.sh" start 9>&-
  "${E2E_DIR}/dataplane/runner.sh" start 9>&-

  local name
  sleep 1
  for name in kube-controller-manager kube-scheduler kwok; do process_alive_or_dump "${name}"; done
}

create_nodes() {
  local n
  for n in kwok-node-0 kwok-node-1; do
    kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: ${n}
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: ${n}
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
spec: {}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
  done
  wait_until 60 "two Ready kwok nodes" bash -c \
    "[[ \$('$(bin_path kubectl)' --kubeconfig '${dir}/kubeconfig' get nodes -l type=kwok \
      -o jsonpath='{range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}' \
      | grep -c True) -ge 2 ]]"
}

apply_crds() {
  local files=()
  local f
  for f in "${REPO_ROOT}"/crds/*.yaml "$(cache_dir gateway-api "${GATEWAY_API_VERSION}")"/standard/*.yaml \
    "$(cache_dir istio-api "${ISTIO_API_VERSION}")/crds.yaml"; do
    [[ -f "${f}" ]] && files+=(-f "${f}")
  done
  log "applying CRDs (aviary, Gateway API ${GATEWAY_API_VERSION}, Istio ${ISTIO_API_VERSION})"
  kc apply --server-side --force-conflicts --field-manager aviary-e2e "${files[@]}" >/dev/null
  kc wait --for condition=Established crd --all --timeout 60s >/dev/null
  # Each namespace gets its default ServiceAccount from the controller manager; pods need it.
  wait_until 60 "default ServiceAccount" kc get serviceaccount default -n default
}

write_env() {
  cat >"${dir}/env.tmp" <<EOF
export AVIARY_CLUSTER_DIR='${dir}'
export KUBECONFIG='${dir}/kubeconfig'
export AVIARY_TEST_KUBECONFIG='${dir}/kubeconfig'
export APISERVER_URL='$(cat "${dir}/apiserver-url")'
export PROMETHEUS_URL='$(cat "${dir}/prometheus-url")'
export PATH='$(dirname "$(bin_path kubectl)"):$(dirname "$(bin_path helm)"):'"\${PATH}"
EOF
  mv "${dir}/env.tmp" "${dir}/env"
}

main() {
  local start_s=${SECONDS}
  mkdir -p "${dir}"
  exec 9>"${dir}/.lock"
  flock 9
  if all_alive && apiserver_ready; then
    log "test bed already up in ${dir}"
  else
    if [[ -d "${dir}/pids" ]]; then
      log "test bed in ${dir} is partly up: stopping it and starting afresh"
      "${here}/down.sh"
    fi
    install_packages
    "${E2E_DIR}/build-binaries.sh"
    # Keep old logs for a post-mortem, start everything else from nothing.
    if [[ -d "${dir}/logs" ]]; then
      rm -rf "${dir}/logs.prev"
      mv "${dir}/logs" "${dir}/logs.prev"
    fi
    find "${dir}" -mindepth 1 -maxdepth 1 ! -name logs.prev ! -name .lock -exec rm -rf {} +
    start_control_plane
  fi
  create_nodes
  apply_crds
  write_env
  log "test bed up in $((SECONDS - start_s))s: KUBECONFIG=${dir}/kubeconfig, Prometheus $(cat "${dir}/prometheus-url")"
}

main "$@"
