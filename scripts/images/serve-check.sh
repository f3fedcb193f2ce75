#!/usr/bin/env bash
# Proves the sidecar image serves a model, beyond --help: runs the image's entrypoint as its own
# user on the host's network with a test model mounted read-only, waits until /v2/health/ready
# answers, sends one Open Inference Protocol v2 request and checks the answer holds a prediction.
# This loads XGBoost (libxgboost0, libgomp1) and forks the guarded probe load inside the image.
# Usage: serve-check.sh IMAGE. BUILDAH names the buildah command (see build.sh).
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/../.."

image="${1:?usage: serve-check.sh IMAGE}"
read -r -a buildah <<<"${BUILDAH:-buildah}"
models="${PWD}/tests/sidecar/testdata"

scratch="$(mktemp -d)"
chmod 0777 "${scratch}"  # the image's user writes its port file here
container="$("${buildah[@]}" from --quiet "${image}")"
server_pid=""
cleanup() {
  if [[ -n "${server_pid}" ]]; then
    kill "${server_pid}" 2>/dev/null || true
    wait "${server_pid}" 2>/dev/null || true
  fi
  "${buildah[@]}" rm "${container}" >/dev/null 2>&1 || true
  rm -rf "${scratch}"
}
trap cleanup EXIT

"${buildah[@]}" run --isolation chroot --network host \
  --volume "${models}:/models:ro" --volume "${scratch}:/run/aviary" "${container}" -- \
  /usr/local/bin/aviary-sidecar --model-name churn --model-uri file:///models/binary.ubj \
  --address 127.0.0.1 --port 0 --port-file /run/aviary/ports.json --log-format text \
  >"${scratch}/server.log" 2>&1 &
server_pid=$!

port=""
for _ in $(seq 1 100); do
  if [[ -s "${scratch}/ports.json" ]]; then
    port="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "${scratch}/ports.json")"
    if curl -fsS "http://127.0.0.1:${port}/v2/health/ready" >/dev/null 2>&1; then break; fi
  fi
  if ! kill -0 "${server_pid}" 2>/dev/null; then break; fi
  sleep 0.2
done
if [[ -z "${port}" ]] || ! curl -fsS "http://127.0.0.1:${port}/v2/health/ready" >/dev/null 2>&1; then
  echo "serve-check ${image}: FAIL: the sidecar did not become ready" >&2
  cat "${scratch}/server.log" >&2
  exit 1
fi

body='{"inputs":[{"name":"input-0","shape":[1,8],"datatype":"FP32","data":[0.1,-0.1,-0.7,-0.4,-1.3,0.3,-0.8,-1.2]}]}'
answer="$(curl -fsS -H 'Content-Type: application/json' -d "${body}" "http://127.0.0.1:${port}/v2/models/churn/infer")"
if ! python3 -c '
import json, sys
outputs = json.loads(sys.argv[1])["outputs"]
value = outputs[0]["data"][0]
assert isinstance(value, (int, float)) and 0 <= value <= 1, value
print(value)' "${answer}" >"${scratch}/prediction"; then
  echo "serve-check ${image}: FAIL: unexpected answer ${answer}" >&2
  exit 1
fi
echo "serve-check ${image}: ready on port ${port}, one inference answered $(cat "${scratch}/prediction")"
