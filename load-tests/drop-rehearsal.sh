#!/usr/bin/env bash
# npm run drop:rehearse [-- --buyers 5000 --units 500 --peak 2000 ...]: a realistic drop against
# the running platform at :8000 (npm run up first). Writes load-tests/results/drop-rehearsal.{md,json,svg}.
# Flags: see load-tests/drop-rehearsal/rehearse.ts (defaults are a small run).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .run/tools/bin/k6 ] || { echo "k6 not found at .run/tools/bin/k6: run 'npm run up' first (it builds k6)"; exit 1; }
curl -fsS -o /dev/null http://127.0.0.1:8000/_edge/health || { echo "the platform is not answering at :8000: run 'npm run up' first"; exit 1; }
[ -f .run/nginx/baseline.conf ] || bash nginx/render.sh >/dev/null
exec node --import tsx load-tests/drop-rehearsal/rehearse.ts "$@"
