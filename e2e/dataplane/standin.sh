#!/usr/bin/env bash
# A stand-in for aviary-sidecar while the real one is not built: serves, on 127.0.0.1:PORT,
#   POST /v2/models/NAME/infer   -> 200 with a fixed OIP v2 response (500 for STANDIN_ERROR_PERCENT % of calls)
#   GET  /v2/health/ready|live   -> 200
#   GET  /metrics                -> aviary_inference_requests_total{model,revision,code} and aviary_model_info
# It only proves the data-plane path (runner -> process -> file_sd -> Prometheus, loadgen -> process).
# Usage: standin.sh PORT MODEL REVISION STATE_DIR
set -o errexit -o nounset -o pipefail

if [[ "${1:-}" == "--handle" ]]; then
  # One HTTP request on stdin/stdout (socat forks one of these per connection).
  state="${STANDIN_STATE}"
  read -r method path _ || exit 0
  length=0
  while IFS= read -r line; do
    line="${line%$'\r'}"
    [[ -z "${line}" ]] && break
    if [[ "${line,,}" == content-length:* ]]; then length="${line#*:}" length="${length// /}"; fi
  done
  ((length > 0)) && head -c "${length}" >/dev/null
  reply() { # STATUS BODY [CONTENT_TYPE]
    printf 'HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
      "$1" "${3:-application/json}" "${#2}" "$2"
  }
  count() { # CODE: adds one to the counter of that status code
    (
      flock 8
      n=$(cat "${state}/requests_$1" 2>/dev/null || echo 0)
      echo $((n + 1)) >"${state}/requests_$1"
    ) 8>"${state}/lock"
  }
  case "${method} ${path}" in
  "POST /v2/models/"*"/infer")
    if ((RANDOM % 100 < ${STANDIN_ERROR_PERCENT:-0})); then
      count 500
      reply "500 Internal Server Error" '{"error":"injected failure"}'
    else
      count 200
      reply "200 OK" "{\"model_name\":\"${STANDIN_MODEL}\",\"model_version\":\"${STANDIN_REVISION}\",\"outputs\":[{\"name\":\"predict\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0.5]}]}"
    fi
    ;;
  "GET /v2/health/"*) reply "200 OK" '{}' ;;
  "GET /metrics")
    body="# TYPE aviary_inference_requests_total counter"$'\n'
    for f in "${state}"/requests_*; do
      [[ -e "${f}" ]] || continue
      body+="aviary_inference_requests_total{model=\"${STANDIN_MODEL}\",revision=\"${STANDIN_REVISION}\",code=\"${f##*_}\"} $(cat "${f}")"$'\n'
    done
    body+="# TYPE aviary_model_info gauge"$'\n'
    body+="aviary_model_info{model=\"${STANDIN_MODEL}\",revision=\"${STANDIN_REVISION}\",runtime=\"standin\"} 1"$'\n'
    reply "200 OK" "${body}" "text/plain; version=0.0.4"
    ;;
  *) reply "404 Not Found" '{"error":"not found"}' ;;
  esac
  exit 0
fi

port="$1" model="$2" revision="$3" state="$4"
mkdir -p "${state}"
export STANDIN_MODEL="${model}" STANDIN_REVISION="${revision}" STANDIN_STATE="${state}"
exec socat "TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork" EXEC:"bash $(realpath "$0") --handle"
