# PgBouncer (Debian's) in transaction mode between the service replicas and Postgres, on
# 127.0.0.1:6432: the replicas' pools (REPLICAS x 6 services x DATABASE_POOL_MAX) become
# at most PGB_POOL server connections per database, however many replicas run.
#
# Transaction pooling is safe for our code (docs/decisions.md): no session state (SET is
# only ever SET LOCAL), no LISTEN, no advisory or session locks, no named prepared
# statements (knex/pg send unnamed ones). statement_timeout, which pg sends at connect
# time, is a role default in Postgres instead (scripts/lib/postgres.sh), so it holds on
# every pooled server connection. Migrations and seeds talk to Postgres directly (5432).
# With STACK_EXTERNAL_INFRA=1 the replicas reach the external Postgres directly.

# Its files live in the postgres user's home: PgBouncer refuses to run as root, and a
# checkout's .run/ may sit where postgres cannot read (a CI clone in a private folder).
PGB_DIR=/var/lib/postgresql/dropshop-pgbouncer
PGB_OLD_PIDFILE="$RUN/pgbouncer/pgbouncer.pid" # where an earlier up.sh kept it
PGB_PORT=6432
PGB_POOL=25
PGB_INI="$PGB_DIR/pgbouncer.ini"
PGB_PIDFILE="$PGB_DIR/pgbouncer.pid"
PGB_LOG="$PGB_DIR/pgbouncer.log" # linked from .run/logs/pgbouncer.log

pgb_running() { pid_alive "$PGB_PIDFILE"; }
pgb_ready() { pg_isready -q -h 127.0.0.1 -p "$PGB_PORT"; }

# pgb_render DIR: the ini and the user list (the documented local passwords) into DIR.
pgb_render() {
  local dir=$1 name
  cat >"$dir/pgbouncer.ini" <<EOF
; Written by scripts/lib/pgbouncer.sh; edit that, not this.
[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGB_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $PGB_DIR/userlist.txt
pool_mode = transaction
default_pool_size = $PGB_POOL
reserve_pool_size = 5
max_client_conn = 2000
server_reset_query =
server_idle_timeout = 60
; Postgres back after a crash (fault R5): try its login again after 1 s, not the default 15 s
; during which every query is refused. A query that waits for a server connection gives up
; after 10 s, as a running one does (statement_timeout), not after the default 120 s.
server_login_retry = 1
query_wait_timeout = 10
; pg sends statement_timeout at connect; it is a role default in Postgres instead.
ignore_startup_parameters = statement_timeout,extra_float_digits
logfile = $PGB_LOG
pidfile = $PGB_PIDFILE
EOF
  for name in "${SERVICES[@]}"; do printf '"%s_svc" "%s_pw"\n' "$name" "$name"; done >"$dir/userlist.txt"
}

step_pgbouncer() {
  if external_infra; then
    step "PgBouncer (transaction pooling)"
    skip "$EXTERNAL_NOTE: the replicas reach Postgres directly"
    return 0
  fi
  step "Starting PgBouncer (transaction pooling, 127.0.0.1:$PGB_PORT)"
  have pgbouncer || die "pgbouncer is missing; apt-get install pgbouncer (scripts/lib/prereqs.sh installs it)"
  # One started by an earlier up.sh from .run/pgbouncer: stop it, this one takes over.
  if pid_alive "$PGB_OLD_PIDFILE"; then
    kill -INT "$(tr -dc '0-9' <"$PGB_OLD_PIDFILE")" 2>/dev/null || true
    wait_until 15 bash -c "! kill -0 $(tr -dc '0-9' <"$PGB_OLD_PIDFILE") 2>/dev/null" || true
    rm -rf "$RUN/pgbouncer"
  fi
  mkdir -p "$PGB_DIR"
  ln -sfn "$PGB_LOG" "$LOGS/pgbouncer.log"
  local tmp changed=0
  tmp="$(mktemp -d)"
  pgb_render "$tmp"
  for f in pgbouncer.ini userlist.txt; do
    cmp -s "$tmp/$f" "$PGB_DIR/$f" || { cp "$tmp/$f" "$PGB_DIR/$f"; changed=1; }
  done
  rm -rf "$tmp"
  # PgBouncer refuses to run as root: it runs as postgres, which must read its files.
  touch "$PGB_LOG"
  chown postgres:postgres "$PGB_DIR" "$PGB_DIR"/*
  chmod 600 "$PGB_DIR/userlist.txt"
  if pgb_running; then
    if ((changed)); then
      kill -HUP "$(tr -dc '0-9' <"$PGB_PIDFILE")" || die "PgBouncer did not take the new config; see .run/logs/pgbouncer.log"
      skip "running; configuration reloaded"
    else
      skip "already running"
    fi
    return 0
  fi
  port_busy "$PGB_PORT" && busy_not_ours PgBouncer "$PGB_PORT"
  runuser -u postgres -- pgbouncer -d -q "$PGB_INI" >>"$PGB_LOG" 2>&1 ||
    die "PgBouncer did not start; see .run/logs/pgbouncer.log"
  wait_until 15 pgb_ready || die "PgBouncer is not accepting connections on $PGB_PORT; see .run/logs/pgbouncer.log"
  ok
}

pgbouncer_stop() {
  pgb_running || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PGB_PIDFILE")"
  # SIGINT: safe shutdown, after the transactions in flight.
  kill -INT "$pid" 2>/dev/null || true
  wait_until 15 bash -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PGB_PIDFILE"
}
