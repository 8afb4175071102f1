# Redis: a single node on 6379 for cache, sessions, rate limits and the sale gate.

REDIS_PIDFILE="$PIDS/redis.pid"

redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" == PONG ]]; }

step_redis() {
  if external_infra; then
    step "Waiting for Redis on 6379 ($EXTERNAL_NOTE)"
    wait_external Redis 60 redis_up
    ok
    return 0
  fi
  step "Starting Redis on 6379"
  if redis_up; then skip "already answering PING"; return 0; fi
  port_busy 6379 && busy_not_ours Redis 6379
  mkdir -p "$RUN/redis"
  # Local data is disposable: no AOF, no RDB snapshots (they cost fsyncs on a small box).
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir "$RUN/redis" \
    --logfile "$LOGS/redis.log" --pidfile "$REDIS_PIDFILE" \
    --appendonly no --save '' --maxclients 10000 >>"$LOGS/redis.log" 2>&1 ||
    die "redis-server failed to start; see .run/logs/redis.log"
  wait_until 15 redis_up || die "Redis did not answer PING; see .run/logs/redis.log"
  ok
}

redis_stop() {
  redis_up || return 0
  redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 || true
  wait_until 15 bash -c '! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1' || true
}

# The three-node Redis Cluster the cache tests start on 7001-7003 (packages/testing).
CLUSTER_PORTS=(7001 7002 7003)
redis_cluster_up() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && return 0; done
  return 1
}
redis_cluster_stop() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
}
