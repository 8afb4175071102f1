#!/bin/sh
# Postgres init for docker-compose.yml (runs once, on an empty data volume, as the
# superuser): one database and one role per service (docs/conventions.md). Each role
# owns its database; PUBLIC loses CONNECT, so no service can reach another's data.
# Passwords are the local ones; real deployments inject DATABASE_URL with their own.
set -eu
for svc in user product cart order inventory email; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE ${svc}_svc LOGIN PASSWORD '${svc}_pw';
CREATE DATABASE ${svc}_db OWNER ${svc}_svc;
REVOKE ALL ON DATABASE ${svc}_db FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE ${svc}_db TO ${svc}_svc;
SQL
done
