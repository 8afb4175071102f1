#!/usr/bin/env bash
# One line per component of the native stack (up/down, port, pid), then pm2's list.
#   bash scripts/status.sh    (npm run status)
# With STACK_EXTERNAL_INFRA=1 the servers are only probed, over the network.
set -euo pipefail

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
for f in common keycloak postgres pgbouncer redis rabbitmq mailpit jaeger services nginx prometheus; do
  # shellcheck source=/dev/null
  source "$LIB/$f.sh"
done

# pid_on PORT -> pid of the listener (or "-").
pid_on() {
  local pid
  pid="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
  echo "${pid:--}"
}

DOWN=0
# row NAME PORT PROBE...: probe decides up/down; the pid is the listener's
# (or ROW_PID's, e.g. nginx's master rather than a worker).
row() {
  local name=$1 port=$2 state pid; shift 2
  if "$@"; then state="${C_OK}up${C_OFF}  "; else state="${C_ERR}down${C_OFF}"; DOWN=$((DOWN + 1)); fi
  pid="${ROW_PID:-$(pid_on "${port%%/*}")}"
  printf '%-22s %s  port %-11s pid %s\n' "$name" "$state" "$port" "$pid"
}

rabbit_ok() {
  # No rabbitmq* CLI beside an external broker; its API and AMQP port say enough.
  if external_infra; then mgmt_up && tcp_open 5672; return; fi
  rabbit_env; mgmt_up || rabbit_up
}

# The listener's pid of an external server is docker-proxy's (or not on this machine).
EXT=''
external_infra && EXT=' (external)'
row "Postgres$EXT" 5432 pg_ready
external_infra || ROW_PID="$(cat "$PGB_PIDFILE" 2>/dev/null || echo -)" row "PgBouncer" "$PGB_PORT" pgb_ready
row "Redis$EXT" 6379 redis_up
row "RabbitMQ$EXT" 5672/15672 rabbit_ok
row "Keycloak$EXT" 8080/9000 keycloak_ready
row "Mailpit$EXT" 1025/8025 mailpit_up
row "Jaeger" 16686/4318 jaeger_up
ROW_PID="$(cat "$NGINX_PIDFILE" 2>/dev/null || echo -)" row "Edge (nginx)" 8000 nginx_running
row "Prometheus" "$PROM_PORT" prometheus_up
row "Alertmanager" "$AM_PORT" alertmanager_up
row "  edge exporter" "$NGINX_EXPORTER_PORT" metrics_up "$NGINX_EXPORTER_PORT"
row "  postgres exporter" "$PG_EXPORTER_PORT" metrics_up "$PG_EXPORTER_PORT"
row "  redis exporter" "$REDIS_EXPORTER_PORT" metrics_up "$REDIS_EXPORTER_PORT"
row "  RabbitMQ metrics$EXT" "$RABBIT_METRICS_PORT" rabbit_metrics_up
while read -r name port; do
  [[ -n "$name" ]] || continue
  row "  $name" "$port" replica_ready "$port"
done < <(apps)

echo
if pm2_running; then
  pm2 list --no-color 2>/dev/null || pm2 list
else
  echo "pm2: daemon not running (PM2_HOME=.run/pm2)"
fi
((DOWN == 0)) && echo "All components up." || echo "$DOWN component(s) down. Start with: npm run up"
