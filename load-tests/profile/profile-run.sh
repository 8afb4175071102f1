#!/usr/bin/env bash
# load-tests/profile/profile-run.sh LABEL VUS SECONDS SCRIPT [k6 -e args...]: an order replica of this checkout on
# :4039 with --cpu-prof, a 3 s k6 warm-up, then SECONDS of k6 (VUS, closed model) straight at it; prints the
# replica's CPU per request (/proc utime+stime over the measured window, profiler on) and the self-time summary
# of the profile over that window. Profile and k6 summary in /tmp/cpu-profile/LABEL.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LABEL=$1; VUS=$2; SECS=$3; SCRIPT=$4; shift 4
K6=$ROOT/.run/tools/bin/k6; [ -x "$K6" ] || K6=/work/main/.run/tools/bin/k6
OUT=/tmp/cpu-profile/$LABEL; rm -rf "$OUT"; mkdir -p "$OUT"
T0=$(date +%s.%N)
PID=$(bash "$ROOT/load-tests/profile/replica.sh" order 4039 --cpu-prof --cpu-prof-dir="$OUT")
for _ in $(seq 1 60); do curl -fs -o /dev/null localhost:4039/health/ready && break; sleep 0.5; done
sleep 3
"$K6" run -q -e PHASE=warmup -e BASE_URL=http://127.0.0.1:4039 -e VUS="$VUS" -e DURATION=3s "$@" "$SCRIPT" >/dev/null 2>&1 || true
# The replica's own Redis commands during the window (MONITOR, client lines from its sockets only; script-internal
# commands are not counted): a command is a round trip unless sent together with others.
PORTS=$(ss -tnp 2>/dev/null | awk -v pid="pid=$PID," '$0 ~ pid && $5 ~ /:6379$/ {split($4, a, ":"); print a[length(a)]}' | paste -sd'|')
timeout "$((SECS + 2))" redis-cli monitor > "$OUT/monitor.txt" 2>/dev/null &
MON=$!
T1=$(date +%s.%N); read -r -a f < "/proc/$PID/stat"; C1=$((f[13] + f[14]))
"$K6" run -q --summary-export "$OUT/k6.json" -e BASE_URL=http://127.0.0.1:4039 -e VUS="$VUS" -e DURATION="${SECS}s" "$@" "$SCRIPT" > "$OUT/k6.txt" 2>&1 || true
read -r -a f < "/proc/$PID/stat"; C2=$((f[13] + f[14])); T2=$(date +%s.%N)
kill "$MON" 2>/dev/null || true; wait "$MON" 2>/dev/null || true
kill -INT "$PID"; for _ in $(seq 1 40); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
N=$(node -e "console.log(require('$OUT/k6.json').metrics.http_reqs.count)")
RATE=$(node -e "const s=require('$OUT/k6.json');const d=s.metrics.http_req_duration;console.log(s.metrics.http_reqs.rate.toFixed(0)+' req/s, p50 '+d.med.toFixed(2)+' ms, failed '+s.metrics.http_req_failed.value)")
TK=$(getconf CLK_TCK)
echo "$LABEL: $N requests in ${SECS}s: $RATE; replica CPU $(( (C2 - C1) * 1000 / TK )) ms = $(( (C2 - C1) * 1000000 / TK / N )) µs/request (profiler on)"
if [ -n "$PORTS" ]; then
  grep -E "\[0 127\.0\.0\.1:($PORTS)\]" "$OUT/monitor.txt" | awk '{c=$4; if (c=="\"evalsha\"") {a=$NF; if (length(a) > 12) a="<id>"; c=c" "substr($5,2,8)" "a}; n[c]++; t++} END {for (k in n) printf "  %6d  %s\n", n[k], k; printf "  %6d  Redis commands from the replica in the window\n", t}' | sort -rn | head -20 || true
fi
node "$ROOT/load-tests/profile/summarise.mjs" "$OUT"/*.cpuprofile "$N" 45 "$(echo "$T1 - $T0" | bc)" "$(echo "$T2 - $T0" | bc)"
