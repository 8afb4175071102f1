# Postgres: Debian's cluster, driven with pg_ctlcluster (no systemd here), or
# with STACK_EXTERNAL_INFRA=1 a server someone else runs, reached with the PG*
# variables. One role and two databases (<name>_db, <name>_test) per service.

# pg_cluster -> "15 main": the first cluster Debian knows about.
pg_cluster() { pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1, $2 }'; }

pg_online() { [[ "$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $4 }')" == online* ]]; }

# The host the services reach (database_url) unless PGHOST says otherwise; an
# unset PGHOST would mean the local socket, where an external server is not.
pg_external_host() { echo "${PGHOST:-127.0.0.1}"; }

# psql_su: psql as a superuser. Natively the postgres OS user over the socket
# (peer auth); external, over TCP as PGUSER/PGPASSWORD (CI: postgres/postgres).
psql_su() {
  if external_infra; then
    psql -h "$(pg_external_host)" -X -q -v ON_ERROR_STOP=1 -d "${PGDB:-postgres}" "$@"
  else
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d "${PGDB:-postgres}" "$@"
  fi
}

pg_ready() {
  if external_infra; then
    pg_isready -q -h "$(pg_external_host)"
  else
    runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p 5432
  fi
}

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
# pg_service_sql NAME [DB...]: the databases default to NAME_db and NAME_test.
pg_service_sql() {
  local name=$1 db
  shift
  local dbs=("$@")
  ((${#dbs[@]})) || dbs=("${name}_db" "${name}_test")
  cat <<SQL
\\set role ${name}_svc
\\set pw ${name}_pw
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'pw')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \\gexec
-- Keep the documented local password even if someone changed it.
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
-- What createDb (@shop/db) asks for at connect time, as a role default too: PgBouncer
-- drops that start-up parameter, and every pooled server connection must keep the bound.
ALTER ROLE :"role" SET statement_timeout = '10s';
SQL
  for db in "${dbs[@]}"; do
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

# pg_provision: every service's role and databases, in one psql (both modes).
pg_provision() {
  local name
  {
    # The maintenance database is no service's business either.
    echo 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;'
    for name in "${SERVICES[@]}"; do pg_service_sql "$name"; done
    # The messaging package's own tests (outbox, inbox, relays) need a database of their own.
    pg_service_sql messaging messaging_test
  } | psql_su >>"$LOGS/postgres-setup.log" 2>&1 ||
    die "setting up the service databases failed; see .run/logs/postgres-setup.log"
}

# pg_check_capacity (external only): pg_tune raises max_connections natively,
# but an external server is not ours to reconfigure. The replicas' pools alone
# may open ~140 connections (12 x DATABASE_POOL_MAX 10, email more) and the
# tests add theirs, against a default of 100; say so rather than fail later.
PG_MIN_CONNECTIONS=200
pg_check_capacity() {
  local max
  max="$(psql_su -tAc 'SHOW max_connections' 2>>"$LOGS/postgres-setup.log")" ||
    die "cannot log in to the external Postgres at $(pg_external_host) as ${PGUSER:-$(id -un)}; set PGHOST/PGUSER/PGPASSWORD (see .run/logs/postgres-setup.log)"
  ((max >= PG_MIN_CONNECTIONS)) ||
    warn "external Postgres has max_connections=$max; the replicas and tests may need $PG_MIN_CONNECTIONS (CI: POSTGRES_INITDB_ARGS='-c max_connections=300')"
}

step_postgres_external() {
  step "Provisioning the per-service databases on Postgres ($EXTERNAL_NOTE)"
  wait_external "Postgres at $(pg_external_host)" 60 pg_ready
  pg_check_capacity
  pg_provision
  ok
}

step_postgres() {
  if external_infra; then step_postgres_external; return; fi
  step "Starting Postgres and the per-service databases"
  PG_STARTED=0
  pg_ensure_cluster
  pg_start
  wait_until 30 pg_ready ||
    die "Postgres is not accepting connections on 5432; see .run/logs/postgresql.log"
  ln -sfn "/var/log/postgresql/postgresql-$(pg_cluster | tr ' ' '-').log" "$LOGS/postgresql.log"
  pg_tune || die "tuning Postgres failed; see .run/logs/postgres-setup.log"
  pg_provision
  if ((PG_STARTED)); then ok; else skip "already running"; fi
}

pg_stop() {
  pg_online || return 0
  # shellcheck disable=SC2086
  pg_ctlcluster $(pg_cluster) stop -m fast >>"$LOGS/postgres-setup.log" 2>&1
}
