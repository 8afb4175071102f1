#!/bin/sh
# The compose stack's secrets, made once on first start (the one-shot `secrets` service in
# docker-compose.yml) into the `secrets` volume; nothing secret is committed.
#
#   /secrets/.master/<name>     the random values, made once, kept across restarts
#   /secrets/<consumer>/...     what each container may read, rewritten from the master
#                               values on every start; each container mounts only its
#                               own directory (a volume `subpath`)
#
# Consumers: postgres (superuser and per-service role passwords), rabbitmq (the `shop`
# administrator; with a default user set, RabbitMQ makes no guest), rabbitmq-setup (the
# administrator and every service's broker password, for scripts/broker-setup.ts),
# keycloak (bootstrap admin), setup (realm setup: admin, user-service client secret),
# postgres-exporter (its read-only role), grafana (its admin user),
# and one directory per service (DATABASE_URL, AMQP_URL, ...), sourced by
# docker/entrypoint.sh. POSIX sh: it runs in the service image (tests run it here too).
set -eu
OUT=${1:-/secrets}
SERVICES="user product cart order inventory email"

umask 077
mkdir -p "$OUT/.master"

# secret NAME -> the master value, made on first use (48 hex characters, URL-safe).
secret() {
  f="$OUT/.master/$1"
  if [ ! -s "$f" ]; then
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$f.tmp"
    mv "$f.tmp" "$f"
  fi
  cat "$f"
}

# put CONSUMER FILE: stdin becomes CONSUMER/FILE, readable by the consumer's own user
# (the images run as different uids; only that consumer's container mounts the directory).
put() {
  mkdir -p "$OUT/$1"
  chmod 755 "$OUT/$1"
  cat >"$OUT/$1/$2.tmp"
  chmod 444 "$OUT/$1/$2.tmp"
  mv "$OUT/$1/$2.tmp" "$OUT/$1/$2"
}

AMQP_PASS=$(secret rabbitmq_shop)
KC_ADMIN_PASS=$(secret keycloak_admin)
KC_CLIENT_SECRET=$(secret keycloak_user_service)

secret postgres | put postgres postgres_password
for svc in $SERVICES; do secret "db_$svc" | put postgres "${svc}_password"; done
# The Postgres exporter's read-only role (pg_monitor): its password for the init script and for it.
secret db_metrics | put postgres metrics_exporter_password
secret db_metrics | put postgres-exporter password
secret grafana_admin | put grafana admin_password

put rabbitmq 20-shop.conf <<EOF
default_user = shop
default_pass = $AMQP_PASS
EOF

# Each service is a broker user of its own, with only its own rights (scripts/broker-setup.ts).
{
  echo "RABBIT_API=http://rabbitmq:15672/api"
  echo "RABBIT_ADMIN_USER=shop"
  echo "RABBIT_ADMIN_PASSWORD=$AMQP_PASS"
  for svc in $SERVICES; do
    echo "AMQP_PASSWORD_$(echo "$svc" | tr '[:lower:]' '[:upper:]')=$(secret "amqp_$svc")"
  done
} | put rabbitmq-setup env

put keycloak env <<EOF
KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin
KC_BOOTSTRAP_ADMIN_PASSWORD=$KC_ADMIN_PASS
EOF

put setup env <<EOF
KC_ADMIN_USERNAME=kcadmin
KC_ADMIN_PASSWORD=$KC_ADMIN_PASS
KC_USER_SERVICE_SECRET=$KC_CLIENT_SECRET
EOF

for svc in $SERVICES; do
  {
    echo "DATABASE_URL=postgres://${svc}_svc:$(secret "db_$svc")@postgres:5432/${svc}_db"
    echo "AMQP_URL=amqp://$svc:$(secret "amqp_$svc")@rabbitmq:5672"
    if [ "$svc" = user ]; then echo "KEYCLOAK_CLIENT_SECRET=$KC_CLIENT_SECRET"; fi
  } | put "$svc" env
done

echo "secrets: ready in $OUT (postgres rabbitmq rabbitmq-setup keycloak setup postgres-exporter grafana $SERVICES)"
