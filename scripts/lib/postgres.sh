# Postgres: Debian's cluster, driven with pg_ctlcluster (no systemd here).
# One role and two databases (<name>_db, <name>_test) per service.

# pg_cluster -> "15 main": the first cluster Debian knows about.
pg_cluster() { pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1, $2 }'; }

pg_online() { [[ "$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $4 }')" == online* ]]; }

psql_su() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d "${PGDB:-postgres}" "$@"; }

pg_ensure_cluster() {
  [[ -n "$(pg_cluster)" ]] && return 0
  # A fresh install inside a container sometimes skips the default cluster.
  local ver
  ver="$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)"
  [[ -n "$ver" ]] || die "PostgreSQL server binaries not found; apt-get install postgresql"
  pg_createcluster "$ver" main >>"$LOGS/postgres-setup.log" 2>&1 || die "pg_createcluster failed; see .run/logs/postgres-setup.log"
}

pg_start() {
  local cluster
  cluster="$(pg_cluster)"
  pg_online && return 0
  port_busy 5432 && busy_not_ours "Postgres cluster $cluster" 5432
  # shellcheck disable=SC2086 # "15 main" is two arguments on purpose
  pg_ctlcluster $cluster start >>"$LOGS/postgres-setup.log" 2>&1 ||
    die "Postgres $cluster did not start; see .run/logs/postgresql.log"
  PG_STARTED=1
}

# Tuning for this box (2 cores, lots of RAM, many pooled connections from
# 12 replicas plus tests). synchronous_commit stays on: an acknowledged order
# must survive a crash. Settings that need a restart get one, once.
pg_tune() {
  psql_su >>"$LOGS/postgres-setup.log" 2>&1 <<'SQL'
ALTER SYSTEM SET max_connections = 300;
ALTER SYSTEM SET shared_buffers = '512MB';
ALTER SYSTEM SET effective_cache_size = '4GB';
ALTER SYSTEM SET work_mem = '8MB';
ALTER SYSTEM SET maintenance_work_mem = '128MB';
ALTER SYSTEM SET synchronous_commit = on;
ALTER SYSTEM SET random_page_cost = 1.1;
ALTER SYSTEM SET idle_in_transaction_session_timeout = '60s';
SELECT pg_reload_conf();
SQL
  if [[ "$(psql_su -tAc "select count(*) from pg_settings where pending_restart")" != 0 ]]; then
    note "restarting Postgres to apply max_connections/shared_buffers"
    # shellcheck disable=SC2086
    pg_ctlcluster $(pg_cluster) restart >>"$LOGS/postgres-setup.log" 2>&1 ||
      die "Postgres did not restart with the tuned settings; see .run/logs/postgresql.log"
  fi
}

# pg_service_sql NAME -> SQL: role NAME_svc owns NAME_db and NAME_test, and
# nobody else may connect to them. Idempotent; fed to one psql with the rest.
pg_service_sql() {
  local name=$1 db
  cat <<SQL
\\set role ${name}_svc
\\set pw ${name}_pw
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \\gexec
-- Keep the documented local password even if someone changed it.
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SQL
  for db in "${name}_db" "${name}_test"; do
    cat <<SQL
\\set db $db
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \\gexec
ALTER DATABASE :"db" OWNER TO :"role";
REVOKE CONNECT, TEMPORARY ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL
  done
}

step_postgres() {
  step "Starting Postgres and the per-service databases"
  PG_STARTED=0
  pg_ensure_cluster
  pg_start
  wait_until 30 bash -c "runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p 5432" ||
    die "Postgres is not accepting connections on 5432; see .run/logs/postgresql.log"
  ln -sfn "/var/log/postgresql/postgresql-$(pg_cluster | tr ' ' '-').log" "$LOGS/postgresql.log"
  pg_tune || die "tuning Postgres failed; see .run/logs/postgres-setup.log"
  local name
  {
    # The maintenance database is no service's business either.
    echo 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;'
    for name in "${SERVICES[@]}"; do pg_service_sql "$name"; done
  } | psql_su >>"$LOGS/postgres-setup.log" 2>&1 ||
    die "setting up the service databases failed; see .run/logs/postgres-setup.log"
  if ((PG_STARTED)); then ok; else skip "already running"; fi
}

pg_stop() {
  pg_online || return 0
  # shellcheck disable=SC2086
  pg_ctlcluster $(pg_cluster) stop -m fast >>"$LOGS/postgres-setup.log" 2>&1
}
