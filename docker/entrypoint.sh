#!/bin/sh
# Entry point of the service image: loads this container's generated secrets
# (docker/secrets/generate.sh; compose mounts the service's own directory at
# /run/shop-secrets), names the replica, then runs the command (a service, its
# migrations or the seed). On Kubernetes the same variables come from a Secret and
# no file is mounted.
set -eu
if [ -f /run/shop-secrets/env ]; then
  set -a
  # shellcheck source=/dev/null
  . /run/shop-secrets/env
  set +a
fi
# One container per replica: its hostname tells the replicas apart in logs and events.
: "${INSTANCE_ID:=${SERVICE_NAME:-${SERVICE:-shop}}-$(hostname)}"
export INSTANCE_ID
exec "$@"
