#!/usr/bin/env bash
# load-tests/profile/hop-cpu.sh OUT K6ARGS...: runs `k6 K6ARGS` (e.g. run -q script.js) and snapshots every process's CPU
# (cpu-groups.mjs) when the script logs `hop-cpu:start` and again at `hop-cpu:stop` (drop.js does, around
# its flood, so the setup's sign-ins and the teardown's polling are not counted). Writes OUT/k6.log,
# OUT/start.json, OUT/stop.json and prints CPU per process group (edge nginx, order replicas, Redis,
# Postgres, k6 ...) for the window; with N=<requests> in the environment, also µs per request.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$1; shift
mkdir -p "$OUT"; rm -f "$OUT"/start.json "$OUT"/stop.json
K6=${K6:-$ROOT/.run/tools/bin/k6}
: > "$OUT/k6.log"
"$K6" "$@" > "$OUT/k6.log" 2>&1 &
K6PID=$!
# Follows the log as k6 writes it; each marker is snapshotted once, at once.
( tail -n +1 -F "$OUT/k6.log" 2>/dev/null | while IFS= read -r line; do
    case "$line" in
      *hop-cpu:start*) [ -f "$OUT/start.json" ] || node "$ROOT/load-tests/profile/cpu-groups.mjs" snapshot > "$OUT/start.json" ;;
      *hop-cpu:stop*) [ -f "$OUT/stop.json" ] || { node "$ROOT/load-tests/profile/cpu-groups.mjs" snapshot > "$OUT/stop.json"; break; } ;;
    esac
  done ) &
WATCH=$!
set +e; wait "$K6PID"; RC=$?; set -e
kill "$WATCH" 2>/dev/null || true
tail -n 40 "$OUT/k6.log" | grep -v '^\s*$' | tail -n 25
if [ -f "$OUT/start.json" ] && [ -f "$OUT/stop.json" ]; then
  node "$ROOT/load-tests/profile/cpu-groups.mjs" diff "$OUT/start.json" "$OUT/stop.json" "${N:-}" | tee "$OUT/cpu.txt"
fi
exit "$RC"
