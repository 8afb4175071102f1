# Monitoring: Prometheus (9090), Alertmanager (9093) and the exporters for the edge (9113),
# Postgres (9187) and Redis (9121), all from Debian, run as our own processes (no systemd):
# pids in .run/pids, logs in .run/logs, config rendered under .run/prometheus. RabbitMQ
# exports itself with its rabbitmq_prometheus plugin (15692). The rules, the Alertmanager
# config and the drop status page live in monitoring/ (see monitoring/README.md).
# The exporters and Prometheus are ours in both modes: with STACK_EXTERNAL_INFRA=1 they
# scrape the external servers on the same ports.

PROM_DIR="$RUN/prometheus"
AM_DIR="$RUN/alertmanager"
MON_SRC="$ROOT/monitoring"
PROM_PORT=9090 AM_PORT=9093 NGINX_EXPORTER_PORT=9113 PG_EXPORTER_PORT=9187 REDIS_EXPORTER_PORT=9121 RABBIT_METRICS_PORT=15692

# The Debian packages, keyed by the command each provides.
declare -A PROM_PACKAGES=(
  [prometheus]=prometheus [promtool]=prometheus [prometheus-alertmanager]=prometheus-alertmanager
  [prometheus-nginx-exporter]=prometheus-nginx-exporter [prometheus-postgres-exporter]=prometheus-postgres-exporter
  [prometheus-redis-exporter]=prometheus-redis-exporter
)

# The read-only role the Postgres exporter logs in with (pg_monitor: statistics, no data).
PG_EXPORTER_DSN="postgresql://metrics_exporter:metrics_pw@127.0.0.1:5432/postgres?sslmode=disable"

prometheus_up() { http_ok "http://127.0.0.1:$PROM_PORT/-/ready"; }
alertmanager_up() { http_ok "http://127.0.0.1:$AM_PORT/-/ready"; }
metrics_up() { http_ok "http://127.0.0.1:$1/metrics"; }
rabbit_metrics_up() { metrics_up "$RABBIT_METRICS_PORT"; }

prom_install() {
  local cmd missing=()
  for cmd in "${!PROM_PACKAGES[@]}"; do have "$cmd" || missing+=("${PROM_PACKAGES[$cmd]}"); done
  ((${#missing[@]} == 0)) && return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  apt_install "${missing[@]}"
}

# prom_targets: one file_sd target per replica in the process file, so the scrape list is the
# REPLICAS of ecosystem.config.cjs; Prometheus re-reads the file by itself.
prom_targets() {
  mkdir -p "$PROM_DIR/targets"
  local tmp="$PROM_DIR/targets/.services.json.tmp"
  apps | jq -Rn '[inputs | select(length > 0) | split(" ") |
      {targets: ["127.0.0.1:\(.[1])"], labels: {replica: .[0], app: (.[0] | sub("-[0-9]+$"; ""))}}]' >"$tmp" ||
    die "could not write the scrape targets; see .run/logs/prometheus.log"
  mv "$tmp" "$PROM_DIR/targets/services.json"
}

prom_render() {
  mkdir -p "$PROM_DIR/data" "$AM_DIR/data"
  sed "s|\${ROOT}|$ROOT|g" "$MON_SRC/prometheus/prometheus.native.yml" >"$PROM_DIR/prometheus.yml.next"
  # Without the broker's plugin (an external broker that lacks it) its two jobs would only be down.
  if ! rabbit_metrics_up; then
    awk '/^  - job_name: rabbitmq/ { skip = 1; next } /^  - job_name:/ { skip = 0 } !skip' \
      "$PROM_DIR/prometheus.yml.next" >"$PROM_DIR/prometheus.yml.tmp" && mv "$PROM_DIR/prometheus.yml.tmp" "$PROM_DIR/prometheus.yml.next"
  fi
  promtool check config --syntax-only "$PROM_DIR/prometheus.yml.next" >>"$LOGS/prometheus-setup.log" 2>&1 ||
    die "the rendered Prometheus config fails promtool check config; see .run/logs/prometheus-setup.log"
  mv "$PROM_DIR/prometheus.yml.next" "$PROM_DIR/prometheus.yml"
  promtool check rules "$MON_SRC/prometheus/rules.yml" >>"$LOGS/prometheus-setup.log" 2>&1 ||
    die "monitoring/prometheus/rules.yml fails promtool check rules; see .run/logs/prometheus-setup.log"
}

# The broker exports itself; natively we switch the plugin on (a plugin enable boots an
# Erlang VM, so only when the port is closed).
rabbit_metrics_enable() {
  rabbit_metrics_up && return 0
  external_infra && { warn "RabbitMQ (external) does not answer on $RABBIT_METRICS_PORT (rabbitmq_prometheus); not scraped"; return 0; }
  rabbit_env
  rabbitmq-plugins enable rabbitmq_prometheus >>"$LOGS/rabbitmq-setup.log" 2>&1 ||
    die "could not enable rabbitmq_prometheus; see .run/logs/rabbitmq-setup.log"
  wait_until 30 rabbit_metrics_up || die "RabbitMQ's metrics do not answer on $RABBIT_METRICS_PORT; see .run/logs/rabbitmq/"
}

pg_exporter_role() {
  psql_su >>"$LOGS/prometheus-setup.log" 2>&1 <<'SQL' || die "could not create the metrics_exporter role; see .run/logs/prometheus-setup.log"
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'metrics_exporter') THEN
    CREATE ROLE metrics_exporter LOGIN PASSWORD 'metrics_pw' CONNECTION LIMIT 3;
  END IF;
END $$;
GRANT pg_monitor TO metrics_exporter;
-- The service databases refuse CONNECT to PUBLIC; the exporter reads statistics from `postgres`.
GRANT CONNECT ON DATABASE postgres TO metrics_exporter;
SQL
}

# start_exporter NAME PORT CMD...: idempotent start of one process we own.
start_exporter() {
  local name=$1 port=$2; shift 2
  if pid_alive "$PIDS/$name.pid" && metrics_up "$port"; then return 0; fi
  stop_pidfile "$name" "$PIDS/$name.pid"
  port_busy "$port" && busy_not_ours "$name" "$port"
  start_bg "$name" "$LOGS/$name.log" "$@"
  wait_until 20 metrics_up "$port" || die "$name did not answer on $port; see .run/logs/$name.log"
}

step_prometheus() {
  step "Starting monitoring (Prometheus 9090, Alertmanager 9093, exporters 9113/9187/9121, RabbitMQ 15692)"
  prom_install
  rabbit_metrics_enable
  pg_exporter_role
  prom_targets
  prom_render
  start_exporter nginx-exporter "$NGINX_EXPORTER_PORT" prometheus-nginx-exporter \
    -nginx.scrape-uri "http://127.0.0.1:8000/_edge/status" -nginx.retries 10 \
    -web.listen-address "127.0.0.1:$NGINX_EXPORTER_PORT"
  start_exporter postgres-exporter "$PG_EXPORTER_PORT" env DATA_SOURCE_NAME="$PG_EXPORTER_DSN" \
    prometheus-postgres-exporter --web.listen-address="127.0.0.1:$PG_EXPORTER_PORT" \
    --no-collector.bgwriter --disable-settings-metrics
  start_exporter redis-exporter "$REDIS_EXPORTER_PORT" prometheus-redis-exporter \
    -redis.addr redis://127.0.0.1:6379 -web.listen-address "127.0.0.1:$REDIS_EXPORTER_PORT"
  # --cluster.listen-address=: one Alertmanager, no gossip port.
  if ! (pid_alive "$PIDS/alertmanager.pid" && alertmanager_up); then
    stop_pidfile alertmanager "$PIDS/alertmanager.pid"
    port_busy "$AM_PORT" && busy_not_ours Alertmanager "$AM_PORT"
    start_bg alertmanager "$LOGS/alertmanager.log" prometheus-alertmanager \
      --config.file="$MON_SRC/alertmanager/alertmanager.yml" --storage.path="$AM_DIR/data" \
      --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address=
    wait_until 30 alertmanager_up || die "Alertmanager did not come up; see .run/logs/alertmanager.log"
  else
    curl -fsS -X POST --max-time 5 "http://127.0.0.1:$AM_PORT/-/reload" >>"$LOGS/prometheus-setup.log" 2>&1 ||
      die "Alertmanager refused its config; see .run/logs/alertmanager.log"
  fi
  if pid_alive "$PIDS/prometheus.pid" && prometheus_up; then
    # Picks up a changed config or rules file; the targets file is watched by Prometheus itself.
    curl -fsS -X POST --max-time 10 "http://127.0.0.1:$PROM_PORT/-/reload" >>"$LOGS/prometheus-setup.log" 2>&1 ||
      die "Prometheus refused its config on reload; see .run/logs/prometheus.log"
    skip "running; config and targets refreshed ($REPLICAS replicas a service)"
    return 0
  fi
  stop_pidfile prometheus "$PIDS/prometheus.pid"
  port_busy "$PROM_PORT" && busy_not_ours Prometheus "$PROM_PORT"
  # Two days of local history is plenty and keeps the disk and compaction small.
  start_bg prometheus "$LOGS/prometheus.log" prometheus \
    --config.file="$PROM_DIR/prometheus.yml" --storage.tsdb.path="$PROM_DIR/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle \
    --web.console.templates="$MON_SRC/consoles" --web.console.libraries=/etc/prometheus/console_libraries
  wait_until 60 prometheus_up || die "Prometheus did not become ready; see .run/logs/prometheus.log"
  ok
}

prometheus_stop() {
  local name
  for name in prometheus alertmanager nginx-exporter postgres-exporter redis-exporter; do
    stop_pidfile "$name" "$PIDS/$name.pid"
  done
}

prometheus_running() {
  local name
  for name in prometheus alertmanager nginx-exporter postgres-exporter redis-exporter; do
    pid_alive "$PIDS/$name.pid" && return 0
  done
  return 1
}
