# Webhook receivers of the e2e test bed (e2e/tools/webhook-receiver, built and cached by
# `build-binaries.sh webhook-receiver` on first use): each a managed process (start_process) named NAME on a
# free loopback port, recording every POST it accepts as one JSON line
#   {"path", "received", "signature", "signature_ok", "body"}
# into $AVIARY_CLUSTER_DIR/NAME.jsonl; its URL is in $AVIARY_CLUSTER_DIR/NAME-url, its log in logs/NAME.log.
# down.sh stops it with everything else. Sourced (lib/controller.sh sources it: the shared controller sends
# its audit trail to the receiver "audit").
# shellcheck shell=bash

# webhook_receiver_start NAME [--secret-file FILE]: starts the receiver NAME (stopping first one of that name
# that runs, e.g. left by an earlier run on the same test bed; its records stay), waits for its /healthz and
# prints its URL (http://127.0.0.1:PORT, a new port). With --secret-file, each record's
# signature_ok says whether X-Aviary-Signature is the HMAC-SHA256 of the body keyed with FILE's bytes.
webhook_receiver_start() {
  local name="$1" port bin url
  shift
  local args=()
  while (($#)); do
    case "$1" in
    --secret-file)
      [[ -r "$2" ]] || die "webhook_receiver_start ${name}: cannot read the secret file $2"
      args+=(--secret-file "$2")
      shift 2
      ;;
    *) die "webhook_receiver_start: unknown option $1" ;;
    esac
  done
  "${E2E_DIR}/build-binaries.sh" webhook-receiver >&2 ||
    die "building e2e/tools/webhook-receiver failed (run e2e/build-binaries.sh webhook-receiver)"
  bin="$(bin_path webhook-receiver)"
  stop_process "${name}"
  port="$(free_port)"
  url="http://127.0.0.1:${port}"
  start_process "${name}" "${bin}" --listen "127.0.0.1:${port}" --out "${AVIARY_CLUSTER_DIR}/${name}.jsonl" \
    --refuse-file "${AVIARY_CLUSTER_DIR}/${name}.refuse" "${args[@]}"
  wait_until 20 "webhook receiver ${name} /healthz" curl -fsS --max-time 2 "${url}/healthz" || {
    process_alive_or_dump "${name}" || true
    die "webhook receiver ${name} did not answer on ${url}"
  }
  echo "${url}" >"${AVIARY_CLUSTER_DIR}/${name}-url"
  log "webhook receiver ${name} ready (pid $(cat "${AVIARY_CLUSTER_DIR}/pids/${name}"), ${url})"
  echo "${url}"
}

# webhook_receiver_ensure NAME [--secret-file FILE]: starts NAME unless it runs; prints its URL either way.
webhook_receiver_ensure() {
  if process_alive "$1" && [[ -s "${AVIARY_CLUSTER_DIR}/$1-url" ]]; then
    webhook_receiver_url "$1"
  else
    webhook_receiver_start "$@"
  fi
}

# webhook_receiver_url NAME, webhook_receiver_out NAME: its URL and the file of its records.
webhook_receiver_url() { cat "${AVIARY_CLUSTER_DIR}/$1-url"; }
webhook_receiver_out() { echo "${AVIARY_CLUSTER_DIR}/$1.jsonl"; }

# webhook_refuse NAME on|off: while on, the receiver answers every POST 503 and records nothing (each refusal
# is a line in logs/NAME.log).
webhook_refuse() {
  local file="${AVIARY_CLUSTER_DIR}/$1.refuse"
  case "$2" in
  on) touch "${file}" ;;
  off) rm -f "${file}" ;;
  *) die "webhook_refuse $1: on or off, not $2" ;;
  esac
  log "webhook receiver $1: refusing $2"
}

# webhook_receiver_stop NAME: stops it (its records stay).
webhook_receiver_stop() { stop_process "$1"; }
