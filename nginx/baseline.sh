#!/usr/bin/env bash
# Starts or stops the static nginx baseline on 127.0.0.1:8099 that the benchmarks compare
# the platform against (same machine, same k6 settings). Usage: baseline.sh start|stop
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CONF="$ROOT/.run/nginx/baseline.conf"
PREFIX="$ROOT/.run/nginx/baseline/"
PID="$PREFIX/nginx.pid"
running() { [[ -s "$PID" ]] && kill -0 "$(cat "$PID")" 2>/dev/null; }

case "${1:-}" in
  start)
    [[ -f "$CONF" ]] || bash "$ROOT/nginx/render.sh" >/dev/null
    mkdir -p "$PREFIX"
    running || nginx -c "$CONF" -p "$PREFIX"
    for _ in $(seq 50); do curl -fsS -o /dev/null http://127.0.0.1:8099/ && exit 0; sleep 0.1; done
    echo "baseline nginx did not answer on :8099; see .run/logs/nginx-baseline-error.log" >&2
    exit 1
    ;;
  stop)
    if running; then nginx -c "$CONF" -p "$PREFIX" -s quit; fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
