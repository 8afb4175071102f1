#!/bin/sh
# One-shot of the redis-cluster profile (docker-compose.yml): makes the three masters one
# Redis Cluster, or finds that they already are one (a restart changes nothing).
#   sh cluster-init.sh redis-node-1 redis-node-2 redis-node-3
set -eu
first=$1
for node in "$@"; do
  until redis-cli -h "$node" ping >/dev/null 2>&1; do echo "waiting for $node"; sleep 1; done
done
if redis-cli -h "$first" cluster info | grep -q '^cluster_state:ok'; then
  echo "redis cluster: already formed"
  exit 0
fi
# redis-cli --cluster create wants addresses; the nodes announce their hostnames after.
addrs=""
for node in "$@"; do
  ip=$(getent hosts "$node" | awk '{ print $1; exit }')
  [ -n "$ip" ] || { echo "cannot resolve $node" >&2; exit 1; }
  addrs="$addrs $ip:6379"
done
# shellcheck disable=SC2086 # one argument per node on purpose
redis-cli --cluster create $addrs --cluster-replicas 0 --cluster-yes
until redis-cli -h "$first" cluster info | grep -q '^cluster_state:ok'; do sleep 1; done
echo "redis cluster: formed over $*"
