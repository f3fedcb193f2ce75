#!/usr/bin/env bash
# make bench: the sidecar against the in-process limit and MLServer, on this machine, in one run.
# Trains a 100-tree depth-6 30-feature XGBoost model, then measures req/s and latency at batch 1
# and 256: (a) the runtime called in-process, (b) aviary-sidecar over HTTP keep-alive, (c) MLServer
# with its XGBoost runtime on the same model. Loopback only; every run is bounded in time.
# Env: BENCH_SECONDS (per measurement, default 10), BENCH_CONNECTIONS (default 16),
#      SIDECAR_THREADS (default 2), SKIP_MLSERVER=1.
set -o errexit -o nounset -o pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
threads=${SIDECAR_THREADS:-2}
out=$root/build/bench-run
venv=${AVIARY_BENCH_VENV:-$HOME/.cache/aviary/bench-venv}
mkdir -p "$out"

scripts/install-deps.sh python3-xgboost python3-numpy python3-venv wrk
cmake -S . -B build -G Ninja -DAVIARY_BUILD_BENCH=ON >/dev/null
cmake --build build --target aviary-sidecar aviary-inprocess-bench aviary-loadgen aviary-xgb-paths-bench
# uvloop 0.22+ raises in asyncio.get_event_loop() where no loop is set, which MLServer 1.7.1's
# inference-pool workers call at start ("There is no current event loop in thread
# 'MainThread'"): the model never loads. Pinned below that; the pins are re-applied each run.
mlserver_pins=(mlserver==1.7.1 mlserver-xgboost==1.7.1 'uvloop<0.22')
if [[ ${SKIP_MLSERVER:-0} != 1 ]]; then
  [[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${mlserver_pins[@]}"
fi
# Debian's XGBoost (1.7, the library the sidecar links) writes the model both servers read.
/usr/bin/python3 bench/train_model.py "$out"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_ready() {  # port path
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.2
  done
  echo "bench: server on port $1 never became ready" >&2
  return 1
}

# wrk at full load: "rps p50_us p99_us"; a third argument sends the body as binary tensors.
wrk_max() {  # port body_file [json_length]
  BODY=$2 JSON_LENGTH=${3:-} wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/post.lua \
    "http://127.0.0.1:$1/v2/models/churn/infer" >"$out/wrk.txt"
  awk '
    function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; if (v ~ /s$/) return v * 1000000; return v }
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = us($2) }
    $1 == "99%" { p99 = us($2) }
    / Non-2xx/ { bad = $NF }
    END { if (bad > 0) print "bench: non-2xx answers: " bad > "/dev/stderr"; printf "%.0f %.0f %.0f\n", rps, p50, p99 }
  ' "$out/wrk.txt"
}

# paced load: "rps p50_us p99_us"
paced() {  # port body_file connections rate [json_length]
  build/bench/aviary-loadgen "$1" /v2/models/churn/infer "$2" "$3" "$4" "$seconds" ${5:+"$5"} |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.0f %.0f %.0f" % (r["rps"], r["p50_us"], r["p99_us"]))'
}

measure() {  # name port body_file [json_length] -> appends to results
  local name=$1 port=$2 body=$3 json_length=${4:-}
  read -r rps p50 p99 < <(wrk_max "$port" "$body" "$json_length")
  local half=$(( rps / 2 ))
  read -r hrps hp50 hp99 < <(paced "$port" "$body" "$connections" "$half" "$json_length")
  read -r srps sp50 sp99 < <(paced "$port" "$body" 1 100000000 "$json_length")
  echo "$name $rps $p50 $p99 $half $hp99 $sp50" >>"$out/results.txt"
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }  # user + system, in clock ticks

# The cost of drift + fairness accounting, two ways, with both servers up at once so that the
# machine's drift over time falls on both alike:
#  - max req/s, alternating the two servers for $rounds runs each; the median of each;
#  - CPU time per request at one paced rate both sustain (robust on a busy machine).
# Appends "name max_rps cpu_us_per_request" per server to accounting.txt.
accounting_cost() {  # batch body_file pid_a port_a pid_b port_b
  local batch=$1 body=$2 rounds=3 round
  local -a rps_a=() rps_b=()
  for round in $(seq 1 "$rounds"); do
    rps_a+=("$(wrk_max "$4" "$body" | cut -d' ' -f1)")
    rps_b+=("$(wrk_max "$6" "$body" | cut -d' ' -f1)")
  done
  local median_a median_b
  median_a=$(printf '%s\n' "${rps_a[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  median_b=$(printf '%s\n' "${rps_b[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  local rate=$(( (median_a < median_b ? median_a : median_b) * 4 / 10 ))
  local name pid port before requests
  for name in accounting plain-group; do
    if [[ $name == accounting ]]; then pid=$3 port=$4; else pid=$5 port=$6; fi
    before=$(cpu_ticks "$pid")
    requests=$(build/bench/aviary-loadgen "$port" /v2/models/churn/infer "$body" "$connections" \
      "$rate" "$seconds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])')
    local ticks=$(( $(cpu_ticks "$pid") - before ))
    local cpu_us
    cpu_us=$(python3 -c "import os,sys; print('%.1f' % ($ticks * 1e6 / os.sysconf('SC_CLK_TCK') / max($requests, 1)))")
    if [[ $name == accounting ]]; then
      echo "accounting-b$batch $median_a $cpu_us" >>"$out/accounting.txt"
    else
      echo "plain-group-b$batch $median_b $cpu_us" >>"$out/accounting.txt"
    fi
  done
}

: >"$out/results.txt"
: >"$out/accounting.txt"
read -r inproc <<<"$(build/bench/aviary-inprocess-bench "$out/model.json" "$out/body_1.json" \
  "$out/body_256.json")"
echo "$inproc" >"$out/inprocess.json"

start_sidecar() {  # extra flags...  -> sidecar_pid, sidecar_port
  rm -f "$out/sidecar.port"
  build/src/sidecar/aviary-sidecar --model-name churn --model-uri "file://$out/model.json" \
    --address 127.0.0.1 --port 0 --port-file "$out/sidecar.port" --threads "$threads" \
    --audit-log "$out/audit.log" "$@" 2>>"$out/sidecar.log" &
  sidecar_pid=$!
  pids+=("$sidecar_pid")
  for _ in $(seq 1 100); do [[ -s $out/sidecar.port ]] && break; sleep 0.1; done
  sidecar_port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$out/sidecar.port")
  wait_ready "$sidecar_port" /v2/health/ready
}
stop_sidecars() {
  local pid
  for pid in "$@"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
}

start_sidecar
# The HTTP floor of this server: a GET answered without a model, one connection.
floor_p50=$(BODY=/dev/null wrk -t1 -c1 -d"${seconds}s" --latency "http://127.0.0.1:$sidecar_port/v2/health/live" |
  awk 'function us(v) { if (v ~ /us$/) return v + 0; if (v ~ /ms$/) return v * 1000; return v * 1000000 } $1 == "50%" { print us($2) }')
measure sidecar-b1 "$sidecar_port" "$out/body_1.json"
measure sidecar-b256 "$sidecar_port" "$out/body_256.json"
measure sidecar-bin-b256 "$sidecar_port" "$out/body_256.bin" "$(cat "$out/body_256.bin.length")"
stop_sidecars "$sidecar_pid"

start_sidecar --reference "file://$out/profile.json" --group-input region
accounting_pid=$sidecar_pid accounting_port=$sidecar_port
start_sidecar --group-input region
plain_pid=$sidecar_pid plain_port=$sidecar_port
for batch in 1 256; do
  accounting_cost "$batch" "$out/body_${batch}_group.json" "$accounting_pid" "$accounting_port" \
    "$plain_pid" "$plain_port"
done
stop_sidecars "$accounting_pid" "$plain_pid"

if [[ ${SKIP_MLSERVER:-0} != 1 ]]; then
  mkdir -p "$out/mlserver/churn"
  cp "$out/model.json" "$out/mlserver/churn/model.json"
  echo '{"name":"churn","implementation":"mlserver_xgboost.XGBoostModel","parameters":{"uri":"./model.json"}}' \
    >"$out/mlserver/churn/model-settings.json"
  echo '{"http_port":18080,"grpc_port":18081,"metrics_port":18082}' >"$out/mlserver/settings.json"
  (cd "$out/mlserver" && exec "$venv/bin/mlserver" start . >"$out/mlserver.log" 2>&1) &
  pids+=($!)
  wait_ready 18080 /v2/models/churn/ready
  measure mlserver-b1 18080 "$out/body_1.json"
  measure mlserver-b256 18080 "$out/body_256.json"
fi

python3 bench/report.py "$out/inprocess.json" "$out/results.txt" "$out/accounting.txt" "$floor_p50" \
  "$connections" "$threads"
