#!/bin/sh
# Postgres init for docker-compose.yml (runs once, on an empty data volume, as the
# superuser): one database and one role per service (docs/conventions.md). Each role
# owns its database; PUBLIC loses CONNECT, so no service can reach another's data.
# The role passwords are the ones docker/secrets/generate.sh made on first start
# (mounted at /run/shop-secrets); nothing here is a committed secret.
set -eu
SECRETS=${SHOP_SECRETS_DIR:-/run/shop-secrets}
for svc in user product cart order inventory email; do
  pw="$(cat "$SECRETS/${svc}_password")"
  [ -n "$pw" ] || { echo "init.sh: no password for ${svc}_svc in $SECRETS" >&2; exit 1; }
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$pw" <<SQL
CREATE ROLE ${svc}_svc LOGIN PASSWORD :'pw';
CREATE DATABASE ${svc}_db OWNER ${svc}_svc;
REVOKE ALL ON DATABASE ${svc}_db FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE ${svc}_db TO ${svc}_svc;
SQL
done
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;'
# The Postgres exporter (docker-compose.yml `postgres-exporter`): statistics only, no data.
pw="$(cat "$SECRETS/metrics_exporter_password")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$pw" <<SQL
CREATE ROLE metrics_exporter LOGIN PASSWORD :'pw' CONNECTION LIMIT 3;
GRANT pg_monitor TO metrics_exporter;
GRANT CONNECT ON DATABASE postgres TO metrics_exporter;
SQL
