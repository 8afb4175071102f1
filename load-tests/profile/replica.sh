#!/usr/bin/env bash
# load-tests/profile/replica.sh SERVICE PORT [node flags...]: one extra replica of SERVICE from this checkout on PORT,
# against the running platform's servers but not behind the edge (only what you send reaches it; it does join the
# service's queues like any replica). Prints its pid; log in /tmp/replica-SERVICE-PORT.log. Stop it with kill -INT <pid>.
set -euo pipefail
ROOT=${REPLICA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SVC=$1; PORT=$2; shift 2
NODE=$ROOT/.run/tools/node/bin/node; [ -x "$NODE" ] || NODE=node
cd "$ROOT"
env -i PATH="$PATH" HOME="$HOME" NODE_ENV=development PORT="$PORT" SERVICE_NAME="$SVC" INSTANCE_ID="$SVC-profile" \
  DATABASE_URL="postgres://${SVC}_svc:${SVC}_pw@127.0.0.1:6432/${SVC}_db" REDIS_URL=redis://127.0.0.1:6379 \
  AMQP_URL=amqp://guest:guest@127.0.0.1:5672 KEYCLOAK_URL=http://127.0.0.1:8080 KEYCLOAK_REALM=shop JWT_AUDIENCE=shop-api \
  LOG_LEVEL="${LOG_LEVEL:-info}" "$NODE" "$@" --import tsx "services/$SVC/src/main.ts" > "/tmp/replica-$SVC-$PORT.log" 2>&1 &
echo $!
