#!/usr/bin/env bash
# pm2 for the native platform, the one way in: `npm run pm2 -- <pm2 args>` (operators),
# scripts/lib/services.sh (npm run up) and the fault suite (test/faults/platform.ts) all run it.
#   npm run pm2 -- ls
#   npm run pm2 -- reload ecosystem.config.cjs      (a rolling reload: one replica at a time)
#
# A reload or restart acts on one app at a time (PM2_CONCURRENT_ACTIONS=1). pm2 reloads a process file two apps at once,
# in the order of the daemon's process ids, not the file's. Ids follow the file only until an
# app is deleted and started again (the fault scenario R9 does it to the order replicas): then
# order-1 and order-2 had ids 15 and 16, pm2 stopped both together, and R13's rolling reload
# answered 31 orders 502/503 in 4 s (docs/decisions.md, "A rolling reload acts on one replica at
# a time"). With one at a time, and wait_ready (ecosystem.config.cjs), the next replica is only
# stopped once the last one is back and ready, whatever the ids. Stopping, deleting and
# killing keep pm2's two at a time (everything is going down anyway; one at a time would add
# a 5 s drain per replica to `npm run down`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PM2_HOME="${PM2_HOME:-$ROOT/.run/pm2}"
case "${1:-}" in
  reload | restart | gracefulReload | startOrReload | startOrRestart | startOrGracefulReload) export PM2_CONCURRENT_ACTIONS=1 ;;
esac
exec "$ROOT/node_modules/.bin/pm2" "$@"
