#!/usr/bin/env bash
# load-tests/drop-open.sh LABEL: the sold-out path measured in one run (issue 11 target: drop.js at an
# open model of 2,000 attempts/s, sold-out p99 <= 50 ms, 0 dropped iterations). Run it under
# /work/bin/exclusive with the platform up. In order:
#   1. the static-nginx baseline (listing.js at :8099, 32 VUs, 10 s), the yardstick of this run;
#   2. CPU per sold-out answer per hop: drop.js with UNITS=0 at 500 attempts/s (every answer a
#      409 OUT_OF_STOCK), CPU of each process group over the flood (profile/hop-cpu.sh);
#   3. drop.js at 2,000 attempts/s (300 units, 500 buyers, 10,000 attempts), with its CPU too.
# Writes load-tests/results/drop-open-2000-LABEL.json and drop-soldout-500-LABEL.json (k6 summaries)
# and prints the CPU tables; the logs stay in /tmp/drop-open/LABEL.
set -euo pipefail
cd "$(dirname "$0")/.."
LABEL=${1:?usage: drop-open.sh LABEL}
# RUN_ROOT: the checkout the platform runs from (its .run/ holds k6 and the baseline nginx); default this one.
RUN_ROOT=${RUN_ROOT:-$PWD}
export K6=${K6:-$RUN_ROOT/.run/tools/bin/k6}
TMP=/tmp/drop-open/$LABEL; rm -rf "$TMP"; mkdir -p "$TMP"
RES=load-tests/results
sold_out() { node -e "const m=require('$PWD/$1').metrics;console.log(m.drop_sold_out?m.drop_sold_out.count:0)"; }

bash "$RUN_ROOT/nginx/baseline.sh" start
"$K6" run -q --summary-trend-stats 'avg,med,p(95),p(99),max' --summary-export "$TMP/baseline.json" -e TARGET=http://127.0.0.1:8099/ -e DURATION=10s load-tests/listing.js > "$TMP/baseline.log" 2>&1 || true
node -e "const m=require('$TMP/baseline.json').metrics;console.log('static nginx baseline: '+m.http_reqs.rate.toFixed(0)+' req/s, p99 '+m.http_req_duration['p(99)']?.toFixed(2)+' ms (32 VUs, 10 s)')" | tee "$TMP/baseline.txt"

echo "== sold-out only: drop.js UNITS=0 RATE=500 ATTEMPTS=4000"
set +e
bash load-tests/profile/hop-cpu.sh "$TMP/soldout" run -q --summary-trend-stats 'avg,med,p(90),p(95),p(99),max' \
  --summary-export "$RES/drop-soldout-500-$LABEL.json" -e UNITS=0 -e USERS=500 -e ATTEMPTS=4000 -e RATE=500 load-tests/drop.js > "$TMP/soldout.txt" 2>&1
N=$(sold_out "$RES/drop-soldout-500-$LABEL.json")
node load-tests/profile/cpu-groups.mjs diff "$TMP/soldout/start.json" "$TMP/soldout/stop.json" "$N" | tee "$TMP/soldout-cpu.txt"

# FLOOD_VUS="200 1000": one run per number of VUs k6 allocates before the flood (drop.js's VUS; 200 by default).
for VUS in ${FLOOD_VUS:-200}; do
  NAME=drop-open-2000-$LABEL; [ "$VUS" = 200 ] || NAME=$NAME-vus$VUS
  echo "== the target: drop.js UNITS=300 RATE=2000 ATTEMPTS=10000 VUS=$VUS"
  bash load-tests/profile/hop-cpu.sh "$TMP/flood-$VUS" run -q --summary-trend-stats 'avg,med,p(90),p(95),p(99),max' \
    --summary-export "$RES/$NAME.json" -e UNITS=300 -e USERS=500 -e ATTEMPTS=10000 -e RATE=2000 -e VUS="$VUS" load-tests/drop.js > "$TMP/flood-$VUS.txt" 2>&1
  N=$(sold_out "$RES/$NAME.json")
  node load-tests/profile/cpu-groups.mjs diff "$TMP/flood-$VUS/start.json" "$TMP/flood-$VUS/stop.json" "$N" || true
  node -e "
const m=require('$PWD/$RES/$NAME.json').metrics;const g=(k,f)=>m[k]?(f?m[k][f]:m[k].count??m[k].value):'-';
console.log('2000/s, VUS=$VUS: sold-out p99 '+g('drop_sold_out_latency','p(99)')+' ms, med '+g('drop_sold_out_latency','med')+', iterations '+g('iterations')+', dropped '+g('dropped_iterations')+', sold-out '+g('drop_sold_out')+', accepted '+g('drop_accepted')+', rate-limited '+g('drop_rate_limited')+', unsold '+g('drop_unsold')+', oversold '+g('drop_oversold')+', settled '+g('drop_settle_seconds')+' s')"
done
set -e
