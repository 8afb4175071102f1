#!/usr/bin/env bash
# load-tests/profile/replica.sh SERVICE PORT [node flags...] (REPLICA_TRACED=1: compiled and traced, below): one extra replica of SERVICE from this checkout on PORT,
# against the running platform's servers but not behind the edge (only what you send reaches it; it does join the
# service's queues like any replica). REPLICA_ENV='NAME=value ...' adds settings. Prints its pid; log in /tmp/replica-SERVICE-PORT.log. Stop it with kill -INT <pid>.
set -euo pipefail
ROOT=${REPLICA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
SVC=$1; PORT=$2; shift 2
NODE=$ROOT/.run/tools/node/bin/node; [ -x "$NODE" ] || NODE=node
cd "$ROOT"
# REPLICA_TRACED=1: as the platform runs it, the compiled build (npm run build first) with the tracing
# preload exporting to Jaeger (OTEL_TRACES_SAMPLER / _ARG passed on); else the TypeScript through tsx, untraced.
if [ -n "${REPLICA_TRACED:-}" ]; then MAIN="--conditions=shop-dist --import ./packages/telemetry/dist/register.js services/$SVC/dist/main.js"
else MAIN="--import tsx services/$SVC/src/main.ts"; fi
env -i PATH="$PATH" HOME="$HOME" NODE_ENV=development PORT="$PORT" SERVICE_NAME="$SVC" INSTANCE_ID="$SVC-profile" \
  DATABASE_URL="postgres://${SVC}_svc:${SVC}_pw@127.0.0.1:6432/${SVC}_db" REDIS_URL=redis://127.0.0.1:6379 \
  AMQP_URL="amqp://${SVC}:${SVC}_mq_pw@127.0.0.1:5672" KEYCLOAK_URL=http://127.0.0.1:8080 KEYCLOAK_REALM=shop JWT_AUDIENCE=shop-api \
  LOG_LEVEL="${LOG_LEVEL:-info}" ${REPLICA_TRACED:+OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_SERVICE_NAME=$SVC} \
  ${OTEL_TRACES_SAMPLER:+OTEL_TRACES_SAMPLER=$OTEL_TRACES_SAMPLER} ${OTEL_TRACES_SAMPLER_ARG:+OTEL_TRACES_SAMPLER_ARG=$OTEL_TRACES_SAMPLER_ARG} \
  ${REPLICA_ENV:-} "$NODE" "$@" $MAIN > "/tmp/replica-$SVC-$PORT.log" 2>&1 &
echo $!
