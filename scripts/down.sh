#!/usr/bin/env bash
# Stops what scripts/up.sh started. Idempotent: stopping a stopped thing is fine.
#
#   bash scripts/down.sh                 everything (npm run down)
#   bash scripts/down.sh --keep-infra    only the Node services and nginx
#                                        (npm run down -- --keep-infra)
# With STACK_EXTERNAL_INFRA=1 the servers are not ours: only services and nginx stop.
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
for f in common keycloak postgres pgbouncer redis rabbitmq mailpit jaeger services nginx prometheus; do
  # shellcheck source=/dev/null
  source "$LIB/$f.sh"
done

KEEP_INFRA=0
for arg in "$@"; do
  case "$arg" in
    --keep-infra) KEEP_INFRA=1 ;;
    -h | --help) sed -n '2,6p' "$0" | cut -c3-; exit 0 ;;
    *) echo "error: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

# stop_step LABEL PROBE STOP: print whether it was running, stop it if so.
stop_step() {
  step "Stopping $1"
  if "$2"; then "$3"; ok; else skip "not running"; fi
}

kc_ours() { pid_alive "$KC_PIDFILE" || pgrep -f "kc.home.dir=$KC_HOME" >/dev/null; }
mailpit_running() { pid_alive "$MAILPIT_PIDFILE" || mailpit_up; }
rabbit_running() { rabbit_env; rabbit_up; }

if ((KEEP_INFRA)); then STEP_TOTAL=2; else STEP_TOTAL=11; fi
stop_step "services (pm2)" pm2_running services_stop
stop_step "the edge (nginx)" nginx_running nginx_stop
# leave_step NAME: an external server (STACK_EXTERNAL_INFRA=1) is its owner's to stop.
leave_step() {
  step "Stopping $1"
  skip "$EXTERNAL_NOTE; left alone"
}

if ((KEEP_INFRA)); then
  :
else
  # Ours in both modes (with external servers they only scrape them).
  stop_step "monitoring (Prometheus, Alertmanager, exporters)" prometheus_running prometheus_stop
fi
if ((KEEP_INFRA)); then
  :
elif external_infra; then
  stop_step Jaeger jaeger_running jaeger_stop
  for name in Keycloak Mailpit RabbitMQ Redis Postgres; do leave_step "$name"; done
  step "Stopping PgBouncer"; skip "not used with STACK_EXTERNAL_INFRA=1"
  stop_step "the tests' Redis Cluster (7001-7003)" redis_cluster_up redis_cluster_stop
else
  step "Stopping Keycloak"
  if kc_ours; then keycloak_stop; ok
  elif keycloak_ready; then skip "one not started from .run/keycloak answers on 8080; left alone"
  else skip "not running"; fi
  stop_step Mailpit mailpit_running mailpit_stop
  stop_step Jaeger jaeger_running jaeger_stop
  stop_step RabbitMQ rabbit_running rabbit_stop
  stop_step Redis redis_up redis_stop
  stop_step "the tests' Redis Cluster (7001-7003)" redis_cluster_up redis_cluster_stop
  stop_step PgBouncer pgb_running pgbouncer_stop
  stop_step Postgres pg_online pg_stop
fi
echo "Stopped. Start again with: npm run up"
