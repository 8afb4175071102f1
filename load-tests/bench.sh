#!/usr/bin/env bash
# The benchmark: runs the k6 set against the native stack at :8000 and, in the same run
# with the same k6 settings, a static nginx baseline on :8099. Writes
# load-tests/results/<stamp>.json, results/latest.md (table + exact commands) and one chart
# per scenario, results/bench-<scenario>.svg (throughput and p50/p99 over time).
# Usage: npm run bench [-- --quick]   (the platform must be up: npm run up)
#   BENCH_SCENARIOS="cached-listing checkout" npm run bench   runs only those (of: baseline
#   cached-listing browse checkout drop backlog); the report says which were not run, and
#   BENCH_REPORT=<name>.md writes it beside latest.md instead of over it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
K6=${K6:-$ROOT/.run/tools/bin/k6}
OUT=$ROOT/load-tests/results
TMP=$OUT/tmp
mkdir -p "$TMP"
QUICK=${1:-}

[ -x "$K6" ] || { echo "k6 not found at $K6: run 'npm run up' first (it builds k6)"; exit 1; }
curl -fsS -o /dev/null http://127.0.0.1:8000/api/products?limit=1 || { echo "the platform is not answering at :8000: run 'npm run up' first"; exit 1; }

bash nginx/baseline.sh start

DURATION=20s; UNITS=1000; USERS=1000; ATTEMPTS=20000
if [ "$QUICK" = "--quick" ]; then DURATION=5s; UNITS=100; USERS=100; ATTEMPTS=2000; fi
STATS="avg,min,med,p(90),p(95),p(99),max"
: > "$TMP/commands.txt"

SCENARIOS=" ${BENCH_SCENARIOS:-baseline cached-listing browse checkout drop backlog} "
wanted() { [[ "$SCENARIOS" == *" $1 "* ]]; }
rm -f "$TMP"/*.json

# The charts' time buckets (load-tests/lib/timeline.js): seconds per bucket, and how many.
BUCKET_S=1; BUCKETS=$(( ${DURATION%s} + 5 ))
DROP_BUCKET_S=2; DROP_BUCKETS=100
: > "$TMP/buckets.txt"

run() { # name, bucket seconds, buckets, then k6 arguments
  local name=$1 bucket=$2 buckets=$3; shift 3
  wanted "$name" || { echo "== $name: not run (BENCH_SCENARIOS)"; return 0; }
  echo "$name $bucket" >> "$TMP/buckets.txt"
  set -- -e TIMELINE_BUCKET_S="$bucket" -e TIMELINE_BUCKETS="$buckets" "$@"
  local cmd=("$K6" run --quiet --summary-trend-stats "$STATS" --summary-export "$TMP/$name.json" "$@")
  echo "== $name: k6 run $*" | tee -a "$TMP/commands.txt"
  set +e; "${cmd[@]}" > "$TMP/$name.log" 2>&1; local rc=$?; set -e
  echo "$name $rc" >> "$TMP/exit-codes.txt"
  tail -n 3 "$TMP/$name.log"
}
: > "$TMP/exit-codes.txt"

run baseline $BUCKET_S $BUCKETS -e TARGET=http://127.0.0.1:8099/ -e DURATION=$DURATION load-tests/listing.js
run cached-listing $BUCKET_S $BUCKETS -e TARGET='http://127.0.0.1:8000/api/products?limit=20' -e DURATION=$DURATION load-tests/listing.js
run browse $BUCKET_S $BUCKETS -e DURATION=$DURATION load-tests/browse.js
run checkout $BUCKET_S $BUCKETS -e DURATION=$DURATION load-tests/checkout.js
run drop $DROP_BUCKET_S $DROP_BUCKETS -e UNITS=$UNITS -e USERS=$USERS -e ATTEMPTS=$ATTEMPTS load-tests/drop.js
rm -f "$TMP/backlog.json"
if wanted backlog; then
  echo "== backlog: npx tsx load-tests/backlog.ts" | tee -a "$TMP/commands.txt"
  npx tsx load-tests/backlog.ts > "$TMP/backlog.json" 2> "$TMP/backlog.log" || echo "backlog failed: see $TMP/backlog.log"
fi

bash nginx/baseline.sh stop
npx tsx load-tests/report.ts "$TMP" "$OUT"
