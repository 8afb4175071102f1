#!/usr/bin/env bash
# Renders the nginx templates for the native stack and checks them with `nginx -t`.
#
#   bash nginx/render.sh            -> .run/nginx/nginx.conf    (edge, 127.0.0.1:8000)
#                                      .run/nginx/baseline.conf (benchmark baseline, :8099)
#
# For scripts/up.sh (run as root; no systemd needed):
#   bash nginx/render.sh
#   start:  nginx -c "$ROOT/.run/nginx/nginx.conf" -p "$ROOT/.run/nginx/"
#   reload: nginx -c "$ROOT/.run/nginx/nginx.conf" -p "$ROOT/.run/nginx/" -s reload
#   stop:   nginx -c "$ROOT/.run/nginx/nginx.conf" -p "$ROOT/.run/nginx/" -s quit
#   running?  kill -0 "$(cat "$ROOT/.run/nginx/nginx.pid")"
# and the baseline the same way with baseline.conf and -p "$ROOT/.run/nginx/baseline/"
# (pid in .run/nginx/baseline/nginx.pid). Logs go to .run/logs/nginx-*.log.
#
# Only ${ROOT} is substituted (envsubst-style, by sed), so nginx's own $variables
# stay as they are, and each `server 127.0.0.1:<port> ...; # per replica` line becomes one
# line per replica (ports <port> .. <port>+REPLICAS-1). REPLICAS: the environment, else
# what `REPLICAS=N npm run up` recorded in .run/state/replicas, else 2.
# Idempotent; exits non-zero if a rendered file fails `nginx -t`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/.run/nginx"
mkdir -p "$OUT/cache" "$OUT/baseline" "$ROOT/.run/logs"
REPLICAS="${REPLICAS:-$(cat "$ROOT/.run/state/replicas" 2>/dev/null || echo 2)}"
[[ "$REPLICAS" =~ ^[1-9]$ ]] || { echo "render.sh: REPLICAS must be 1-9, got $REPLICAS" >&2; exit 1; }

render() { # template -> output
  local tmp
  tmp="$(mktemp "$OUT/.render.XXXXXX")"
  sed "s|\${ROOT}|$ROOT|g" "$1" |
    awk -v n="$REPLICAS" '
      /^ *server 127\.0\.0\.1:[0-9]+ .*; # per replica$/ {
        line = $0; sub(/ # per replica$/, "", line)
        head = line; sub(/127\.0\.0\.1:.*/, "", head)
        port = line; sub(/^ *server 127\.0\.0\.1:/, "", port); sub(/ .*/, "", port)
        tail = line; sub(/^ *server 127\.0\.0\.1:[0-9]+/, "", tail)
        for (i = 0; i < n; i++) print head "127.0.0.1:" (port + i) tail
        next
      }
      { print }' >"$tmp"
  if grep -q '\${ROOT}' "$tmp"; then
    echo "render.sh: unsubstituted \${ROOT} left in $2" >&2
    rm -f "$tmp"
    return 1
  fi
  chmod 644 "$tmp"
  mv "$tmp" "$2"
}

check() { # conf prefix
  # -e: where nginx writes its start-up errors before it has read the conf (1.19.5+).
  if ! out="$(nginx -t -q -e "$ROOT/.run/logs/nginx-check.log" -c "$1" -p "$2" 2>&1)"; then
    echo "render.sh: nginx -t failed for $1:" >&2
    echo "$out" >&2
    return 1
  fi
}

render "$ROOT/nginx/edge.conf.template" "$OUT/nginx.conf"
render "$ROOT/nginx/baseline.conf.template" "$OUT/baseline.conf"
check "$OUT/nginx.conf" "$OUT/"
check "$OUT/baseline.conf" "$OUT/baseline/"
echo "nginx: rendered and checked $OUT/nginx.conf and $OUT/baseline.conf"
