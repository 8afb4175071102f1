#!/usr/bin/env bash
# Brings back whatever a fault scenario (test/faults) took away: Postgres, PgBouncer, Redis
# and RabbitMQ, each with its own step of scripts/up.sh, which skips what already runs.
# The replicas' readiness is the caller's to wait for (test/faults/platform.ts).
set -euo pipefail
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib" && pwd)"
for f in common postgres pgbouncer redis rabbitmq; do
  # shellcheck source=/dev/null
  source "$LIB/$f.sh"
done
STEP_TOTAL=4
step_postgres
step_pgbouncer
step_redis
step_rabbitmq
