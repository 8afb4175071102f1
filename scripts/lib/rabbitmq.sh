# RabbitMQ from Debian. Run as root, Debian's wrappers (/usr/sbin/rabbitmq-*)
# switch to the rabbitmq user, so the server and rabbitmqctl share
# /var/lib/rabbitmq/.erlang.cookie and agree on the node name.
# With STACK_EXTERNAL_INFRA=1 the broker is someone else's and there is no
# rabbitmq* CLI: everything goes through the management HTTP API.

# The node name is rabbit@<short hostname>; Erlang refuses to start when that
# name does not resolve, so fall back to rabbit@localhost then. The same
# variable reaches rabbitmqctl because `su` keeps the environment.
rabbit_env() {
  if ! getent hosts "$(hostname -s 2>/dev/null || hostname)" >/dev/null 2>&1; then
    export RABBITMQ_NODENAME=rabbit@localhost
  fi
}

rabbit_cookie() {
  local cookie=/var/lib/rabbitmq/.erlang.cookie
  if [[ ! -s $cookie ]]; then
    # Normally written by the package's postinst; make one if it is missing.
    head -c 32 /dev/urandom | base64 | tr -dc 'A-Z' | head -c 20 >"$cookie"
  fi
  # Erlang ignores (and refuses to start with) a cookie readable by others.
  chown rabbitmq:rabbitmq "$cookie" && chmod 400 "$cookie"
}

rabbit_up() { timeout 30 rabbitmq-diagnostics -q ping >/dev/null 2>&1; }

# Every rabbitmq* CLI call boots an Erlang VM (seconds on two cores), so checks
# and settings go through the management HTTP API where it is up.
MGMT=http://127.0.0.1:15672/api
mgmt() { curl -fsS --max-time 5 -u guest:guest -H 'content-type: application/json' "$@"; }

# rabbit_configured: node up, management on, vhost `test` with guest's permissions.
rabbit_configured() { mgmt -o /dev/null "$MGMT/permissions/test/guest" 2>/dev/null; }
mgmt_up() { mgmt -o /dev/null "$MGMT/overview" 2>/dev/null; }

# rabbit_test_vhost: tests use their own vhost so they can purge queues without
# touching the stack's. Through the management API in both modes.
rabbit_test_vhost() {
  { mgmt -X PUT "$MGMT/vhosts/test" &&
    mgmt -X PUT -d '{"configure":".*","write":".*","read":".*"}' "$MGMT/permissions/test/guest"; } \
    >>"$LOGS/rabbitmq-setup.log" 2>&1 || die "creating vhost 'test' failed; see .run/logs/rabbitmq-setup.log"
}

# rabbit_users: every service's own broker user, with only its own rights on vhost "/", and
# the shared exchanges (scripts/broker-setup.ts, through the management API, idempotent).
# guest stays, as the local administrator the scripts and tests use: RabbitMQ lets it log
# in from loopback only, and no service connects as guest (ecosystem.config.cjs).
rabbit_users() {
  (cd "$ROOT" && "$ROOT/node_modules/.bin/tsx" scripts/broker-setup.ts --vhost /) >>"$LOGS/rabbitmq-setup.log" 2>&1 ||
    die "creating the services' broker users failed; see .run/logs/rabbitmq-setup.log"
}

step_rabbitmq_external() {
  step "Waiting for RabbitMQ (AMQP 5672, management 15672; $EXTERNAL_NOTE)"
  # The management API answering means the node runs; AMQP is what the services use.
  wait_external "RabbitMQ management API (guest/guest)" 120 mgmt_up
  wait_external "RabbitMQ AMQP" 30 tcp_open 5672
  rabbit_test_vhost
  rabbit_users
  ok
}

step_rabbitmq() {
  if external_infra; then step_rabbitmq_external; return; fi
  step "Starting RabbitMQ (AMQP 5672, management 15672)"
  rabbit_env
  ln -sfn /var/log/rabbitmq "$LOGS/rabbitmq"
  if rabbit_configured; then
    rabbit_users
    skip "already running; service users checked"
    return 0
  fi
  if ! rabbit_up; then
    port_busy 5672 && busy_not_ours RabbitMQ 5672
    rabbit_cookie
    # Enabling the plugins offline writes /etc/rabbitmq/enabled_plugins, so the management
    # UI and the Prometheus endpoint (15692) come up with the node; no second restart needed.
    rabbitmq-plugins --offline enable rabbitmq_management rabbitmq_prometheus >>"$LOGS/rabbitmq-setup.log" 2>&1 ||
      die "could not enable rabbitmq_management and rabbitmq_prometheus; see .run/logs/rabbitmq-setup.log"
    note "rabbitmq-server -detached; waiting for rabbitmq-diagnostics ping"
    rabbitmq-server -detached >>"$LOGS/rabbitmq-setup.log" 2>&1 ||
      die "rabbitmq-server failed to start; see .run/logs/rabbitmq-setup.log"
    wait_until 120 rabbit_up ||
      die "RabbitMQ did not answer ping in 120 s; see .run/logs/rabbitmq/ and .run/logs/rabbitmq-setup.log"
  fi
  # The management listener opens a few seconds after the node answers ping.
  if ! wait_until 30 mgmt_up; then
    rabbitmq-plugins enable rabbitmq_management >>"$LOGS/rabbitmq-setup.log" 2>&1 ||
      die "could not enable rabbitmq_management; see .run/logs/rabbitmq-setup.log"
    wait_until 60 mgmt_up ||
      die "RabbitMQ management API is not answering on 15672; see .run/logs/rabbitmq/"
  fi
  rabbit_test_vhost
  rabbit_users
  ok
}

rabbit_stop() {
  rabbit_env
  rabbit_up || return 0
  rabbitmqctl stop >>"$LOGS/rabbitmq-setup.log" 2>&1 || true
}
