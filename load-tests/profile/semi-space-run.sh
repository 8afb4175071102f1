#!/usr/bin/env bash
# load-tests/profile/semi-space-run.sh DIR WORKLOAD VUS SECONDS SEMI... : the young generation's size measured on one
# extra order replica (replica.sh, compiled + tracing preload as the platform runs it) on PORT (4038), loaded straight
# by k6, not behind the edge. For each SEMI (MB; 0 = V8's default) in the order given: re-sign the buyers
# (semi-space-prep.ts DIR), start the replica with HEAP_ARGS' --max-old-space-size=384 plus --max-semi-space-size=SEMI
# and --trace-gc, warm it 5 s, then measure SECONDS of k6 (VUS, closed model): the replica's CPU (/proc utime+stime)
# per request, its scavenges and mark-compacts in the window (count and pause from --trace-gc), its RSS at the end
# and its peak (VmHWM), the machine's idle share, and k6's throughput and latency. One JSON line per point in
# DIR/results.jsonl. WORKLOAD: sold-out (load-tests/sold-out.js) or poll (load-tests/drop-poll.js).
# Run it under /work/bin/exclusive, from a checkout whose code the platform runs (REPLICA_ROOT, default /work/main).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$1; WORKLOAD=$2; VUS=$3; SECS=$4; shift 4
PORT=${PORT:-4038}
export REPLICA_ROOT=${REPLICA_ROOT:-/work/main}
K6=/work/main/.run/tools/bin/k6
mkdir -p "$DIR"
TK=$(getconf CLK_TCK)
# utime + stime of /proc/.../stat, read after the ")" that closes the name (a process title may hold spaces).
ticks() { local s f; s=$(cat "$1" 2>/dev/null) || return 1; read -r -a f <<< "${s##*) }"; echo $((f[11] + f[12])); }
cpu() { ticks "/proc/$1/stat"; }
idle() { awk '/^cpu /{print $5 + $6; exit}' /proc/stat; }
# CPU ticks of the main thread and of V8's worker threads (parallel scavenge, concurrent marking, compilers).
threads() { local m=0 w=0 t n; for t in /proc/$1/task/*; do n=$(ticks "$t/stat") || continue
  if [ "${t##*/}" = "$1" ]; then m=$n; elif [ "$(cat "$t/comm" 2>/dev/null)" = V8Worker ]; then w=$((w + n)); fi; done; echo "$m $w"; }
total() { awk '/^cpu /{s=0; for (i = 2; i <= 9; i++) s += $i; print s; exit}' /proc/stat; }
for SEMI in "$@"; do
  (cd "$HERE" && node --import tsx load-tests/profile/semi-space-prep.ts "$DIR" > "$DIR/prep.txt")
  case $WORKLOAD in
    sold-out) ARGS=(-e DATA="$DIR/sold-out.json" "$HERE/load-tests/sold-out.js") ;;
    poll) ARGS=(-e DROP_ID="$(node -p "require('$DIR/drop.json').dropId")" -e TOKENS="$DIR/poll-tokens.json" "$HERE/load-tests/drop-poll.js") ;;
    *) echo "WORKLOAD: sold-out or poll" >&2; exit 2 ;;
  esac
  TAG=$WORKLOAD-$SEMI-$(date -u +%H%M%S)
  FLAGS=(--max-old-space-size=384 --trace-gc)
  [ "$SEMI" != 0 ] && FLAGS+=("--max-semi-space-size=$SEMI")
  LOG=/tmp/replica-order-$PORT.log
  PID=$(REPLICA_TRACED=1 OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1 \
    bash "$HERE/load-tests/profile/replica.sh" order "$PORT" "${FLAGS[@]}")
  trap 'kill -INT $PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do curl -fs -o /dev/null "localhost:$PORT/health/ready" && break; sleep 0.5; done
  "$K6" run -q -e BASE_URL="http://127.0.0.1:$PORT" -e VUS="$VUS" -e DURATION=5s "${ARGS[@]}" > /dev/null 2>&1 || true
  L1=$(wc -l < "$LOG"); C1=$(cpu "$PID"); read -r M1 W1 < <(threads "$PID"); I1=$(idle); A1=$(total)
  "$K6" run -q --summary-trend-stats 'med,p(90),p(95),p(99),max' --summary-export "$DIR/k6-$TAG.json" \
    -e BASE_URL="http://127.0.0.1:$PORT" -e VUS="$VUS" -e DURATION="${SECS}s" "${ARGS[@]}" > "$DIR/k6-$TAG.txt" 2>&1 || true
  C2=$(cpu "$PID"); read -r M2 W2 < <(threads "$PID"); I2=$(idle); A2=$(total); L2=$(wc -l < "$LOG")
  RSS=$(awk '/^VmRSS/{print $2}' "/proc/$PID/status"); HWM=$(awk '/^VmHWM/{print $2}' "/proc/$PID/status")
  sed -n "$((L1 + 1)),${L2}p" "$LOG" > "$DIR/gc-$TAG.txt"
  kill -INT "$PID"; for _ in $(seq 1 40); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
  trap - EXIT
  VUS=$VUS node -e '
    const [file, gcFile, semi, workload, cpuTicks, tk, idleT, totalT, rss, hwm, at, mainT, workerT] = process.argv.slice(1);
    const s = require(file); const d = s.metrics.http_req_duration; const n = s.metrics.http_reqs.count;
    const gc = require("fs").readFileSync(gcFile, "utf8").split("\n");
    const pause = (re) => gc.filter((l) => re.test(l)).map((l) => Number((/MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \//.exec(l) || [0, 0])[1]));
    const sc = pause(/: Scavenge/), mc = pause(/: Mark-Compact/);
    const sum = (a) => a.reduce((x, y) => x + y, 0);
    const cpuMs = (Number(cpuTicks) * 1000) / Number(tk);
    console.log(JSON.stringify({ at, workload, vus: Number(process.env.VUS), semi: Number(semi), requests: n, rps: +s.metrics.http_reqs.rate.toFixed(1),
      failed: s.metrics.http_req_failed.value, checksFailed: s.metrics.checks.fails,
      p50: +d.med.toFixed(2), p90: +d["p(90)"].toFixed(2), p99: +d["p(99)"].toFixed(2), max: +d.max.toFixed(1),
      cpuMs: Math.round(cpuMs), cpuUsPerReq: Math.round((cpuMs * 1000) / n),
      mainUsPerReq: Math.round((Number(mainT) * 1e6) / Number(tk) / n), v8WorkerUsPerReq: Math.round((Number(workerT) * 1e6) / Number(tk) / n),
      scavenges: sc.length, scavengeMs: +sum(sc).toFixed(1), scavengeUsPerReq: +((sum(sc) * 1000) / n).toFixed(1),
      markCompacts: mc.length, markCompactMs: +sum(mc).toFixed(1),
      machineIdle: +(Number(idleT) / Number(totalT)).toFixed(3), rssMB: Math.round(rss / 1024), hwmMB: Math.round(hwm / 1024) }));
  ' "$DIR/k6-$TAG.json" "$DIR/gc-$TAG.txt" "$SEMI" "$WORKLOAD" "$((C2 - C1))" "$TK" "$((I2 - I1))" "$((A2 - A1))" "$RSS" "$HWM" "$(date -u +%H:%M:%S)" "$((M2 - M1))" "$((W2 - W1))" | tee -a "$DIR/results.jsonl"
done
