#!/usr/bin/env bash
# Brings the whole platform up natively on a Debian machine (no container
# engine, no systemd): infrastructure, Keycloak, the services under pm2 and the
# nginx edge at http://localhost:8000. Idempotent: a second run only checks.
#
#   bash scripts/up.sh        (or: npm run up)
#
# Every log goes to .run/logs/. Stop with `npm run down`, look with `npm run status`.
set -euo pipefail
# The daemons started below must not inherit a caller's open files: a lock that whoever ran
# us holds on an inherited descriptor (`flock /some/lock bash scripts/up.sh`) would be held
# by the daemon for as long as it lives (PgBouncer did exactly that to a reload lock).
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null || true; fi
done

LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
for f in common prereqs node-deps build storefront tools keycloak keycloak-demo-admin postgres pgbouncer redis rabbitmq mailpit jaeger \
  migrate services api-docs nginx prometheus; do
  # shellcheck source=/dev/null
  source "$LIB/$f.sh"
done

# One up.sh at a time: two racing runs would start everything twice. A second
# caller (say, `npm test` beside `npm run up`) waits, then finds all up quickly.
# flock -o keeps the lock out of the daemons we start (they would hold it forever).
if [[ -z "${UP_SH_LOCKED:-}" ]]; then
  rc=0
  UP_SH_LOCKED=1 flock -n -o -E 75 "$RUN/up.lock" bash "${BASH_SOURCE[0]}" "$@" || rc=$?
  if ((rc == 75)); then
    echo "Another scripts/up.sh is running; waiting for it to finish (lock: .run/up.lock) ..."
    rc=0
    UP_SH_LOCKED=1 flock -w 1800 -o -E 75 "$RUN/up.lock" bash "${BASH_SOURCE[0]}" "$@" || rc=$?
    ((rc == 75)) && echo "error: waited 30 min for another scripts/up.sh; is one stuck? (lsof .run/up.lock)" >&2
  fi
  exit "$rc"
fi

replicas_setting
STEP_TOTAL=20
UP_STARTED=$SECONDS
echo "Bringing up the shop platform natively, $REPLICAS replicas of each service (logs: .run/logs/)"

step_prereqs
step_node_deps
step_build
step_storefront
step_go_tools
step_schemathesis
# Keycloak boots for 30-60 s; launch it now and wait for it after the rest.
step_keycloak_launch
step_postgres
step_pgbouncer
step_redis
step_rabbitmq
step_mailpit
step_jaeger
step_migrate
step_keycloak_ready
step_services
step_seed
step_api_docs
step_nginx
# After the edge: its exporter reads the edge's stub_status; the targets are the replicas above.
step_prometheus

banner() {
  cat <<EOF

Platform is up in $((SECONDS - UP_STARTED)) s.
  Edge (API)        http://localhost:8000/api/...
  API docs          http://localhost:8000/api-docs  (Swagger UI; document: /api-docs/openapi.json)
  Keycloak          http://127.0.0.1:8080  (admin console: kcadmin / kcadmin)
  Mailpit           http://127.0.0.1:8025  (SMTP 127.0.0.1:1025)
  Jaeger (traces)   http://127.0.0.1:16686 (OTLP 127.0.0.1:4317/4318)
  RabbitMQ UI       http://127.0.0.1:15672 (guest / guest)
  Postgres          127.0.0.1:5432  (<name>_svc / <name>_pw, databases <name>_db and <name>_test)
$(external_infra || echo "  PgBouncer         127.0.0.1:6432  (transaction pooling; the replicas connect here)")
  Redis             127.0.0.1:6379
  Prometheus        http://127.0.0.1:9090  (alerts: http://127.0.0.1:9093 Alertmanager)
  Drop status       http://localhost:8000/status/drop  (Prometheus console: sold, held, waiting, orders/s, p99)
Log in as the demo admin ($DEMO_ADMIN_EMAIL / $DEMO_ADMIN_PASSWORD):
$(demo_admin_login_hint)
Status: npm run status    Stop: npm run down (npm run down -- --keep-infra keeps the databases)
Logs:   .run/logs/  (services: .run/logs/<name>-<n>.log; pm2: npm run pm2 -- ls)
EOF
}
banner
