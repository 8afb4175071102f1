#!/usr/bin/env bash
# npm run catalog:republish: queues product.updated.v1 for every live product (through the
# product service's outbox), so consumers that missed events rebuild their snapshots.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$ROOT/scripts/lib/migrate.sh"
log="$LOGS/republish-product.log"
if run_task product product_db "$log" services/product/src/republish.ts; then
  grep -o '"total":[0-9]*' "$log" | tail -1 | sed 's/"total":/queued product.updated.v1 for /; s/$/ products; a running product replica publishes them/'
else
  tail -n 20 "$log" >&2
  exit 1
fi
