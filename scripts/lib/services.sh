# The Node services under pm2 (ecosystem.config.cjs), PM2_HOME in .run/pm2.

export PM2_HOME="$RUN/pm2"
PM2_BIN="$ROOT/node_modules/.bin/pm2"
ECOSYSTEM="$ROOT/ecosystem.config.cjs"
SERVICES_STAMP="$STATE/services-started"

# Through scripts/pm2.sh, which makes pm2 act on one app at a time (a reload never stops twins together).
pm2() { "$ROOT/scripts/pm2.sh" "$@"; }

pm2_running() { pid_alive "$PM2_HOME/pm2.pid"; }

# apps -> "name port" per replica in the process file (apps without a PORT, such as
# log-rotate, are helpers: pm2 runs them, nothing waits for their readiness).
apps() { (cd "$ROOT" && node -e 'for (const a of require("./ecosystem.config.cjs").apps) if (a.env.PORT) console.log(a.name, a.env.PORT)'); }

# online_apps -> names pm2 reports online (nothing if the daemon is down).
online_apps() {
  pm2_running || return 0
  pm2 jlist 2>/dev/null | jq -r '.[] | select(.pm2_env.status == "online") | .name' 2>/dev/null || true
}

# all_apps -> every name pm2 has (any status) that looks like one of our replicas.
all_apps() {
  pm2_running || return 0
  pm2 jlist 2>/dev/null | jq -r '.[].name' 2>/dev/null | grep -E "^($(IFS='|'; echo "${SERVICES[*]}"))-[0-9]+$" || true
}

# code_changed: runtime code (the compiled dist/, package.json, lockfile, process file)
# newer than the last (re)start. Tests, docs and an edit that compiles to the same
# JavaScript do not restart anything (tsc -b rewrites only the outputs it compiled).
code_changed() {
  [[ -e "$SERVICES_STAMP" ]] || return 0
  [[ -n "$(find "$ECOSYSTEM" "$ROOT/package-lock.json" "$ROOT"/services/*/dist "$ROOT"/packages/*/dist \
    "$ROOT"/services/*/package.json "$ROOT"/packages/*/package.json \
    -type f ! -name .tsbuildinfo -newer "$SERVICES_STAMP" -print 2>/dev/null | head -1)" ]]
}

replica_ready() { http_ok "http://127.0.0.1:$1/health/ready"; }

# grpc_addresses -> "127.0.0.1:<GRPC_PORT>" of every replica that serves an internal gRPC API.
grpc_addresses() { (cd "$ROOT" && node -e 'for (const a of require("./ecosystem.config.cjs").apps) if (a.env.GRPC_PORT) console.log(`127.0.0.1:${a.env.GRPC_PORT}`)'); }

# stale_apps -> names pm2 runs with another script or other node arguments than the process
# file gives them. pm2's reload takes a new environment but keeps a process's script (a
# replica moved from src/main.ts to dist/main.js kept loading the TypeScript): only delete
# and start changes it.
stale_apps() {
  pm2_running || return 0
  local want have
  want="$(cd "$ROOT" && node -e '
    const path = require("path");
    for (const a of require("./ecosystem.config.cjs").apps) console.log(a.name, path.resolve(a.cwd, a.script), a.node_args || "");
  ' | sed 's/ *$//')"
  have="$(pm2 jlist 2>/dev/null | jq -r '.[] | "\(.name) \(.pm2_env.pm_exec_path) \((.pm2_env.node_args // []) | join(" "))"' 2>/dev/null | sed 's/ *$//')"
  # Apps pm2 has that the process file names, but not like this.
  comm -13 <(sort <<<"$want") <(sort <<<"$have") | awk '{print $1}' | grep -Fx -f <(awk '{print $1}' <<<"$want") || true
}

# The platform's queues (vhost "/") that are still classic: @shop/messaging declares quorum
# queues, and a broker refuses to redeclare a queue with another type. Exclusive and
# auto-delete queues belong to running clients, amq.* to the broker.
classic_queues() {
  mgmt "$MGMT/queues/%2F?columns=name,type,exclusive,auto_delete" 2>/dev/null |
    jq -r '.[] | select((.type // "classic") == "classic" and (.exclusive | not) and (.auto_delete | not)
      and (.name | startswith("amq.") | not) and (.name | endswith(".classic-backlog") | not)) | .name' 2>/dev/null || true
}
backlog_queues() {
  mgmt "$MGMT/queues/%2F?columns=name" 2>/dev/null | jq -r '.[] | select(.name | endswith(".classic-backlog")) | .name' 2>/dev/null || true
}

# queues_to_quorum park|restore [QUEUE...]: scripts/queues-to-quorum.ts, which keeps every message.
queues_to_quorum() {
  (cd "$ROOT" && "$ROOT/node_modules/.bin/tsx" scripts/queues-to-quorum.ts "$@") >>"$LOGS/queues-to-quorum.log" 2>&1 ||
    die "moving queues to quorum queues failed ($1); see .run/logs/queues-to-quorum.log"
}

step_services() {
  step "Starting services under pm2 (${REPLICAS:-2} replicas each)"
  [[ -x "$PM2_BIN" ]] || die "pm2 is missing from node_modules; run: npm install"
  local list online name port missing=0
  list="$(apps)"
  if [[ -z "$list" ]]; then skip "no services/<name>/src/main.ts yet"; return 0; fi
  online="$(online_apps)"
  while read -r name port; do
    grep -qx "$name" <<<"$online" && continue
    missing=1
    port_busy "$port" && busy_not_ours "replica $name" "$port"
  done <<<"$list"
  # Replicas the process file no longer lists (REPLICAS went down) leave pm2 and the ports.
  local app
  for app in $(all_apps); do
    grep -q "^$app " <<<"$list" && continue
    pm2 delete "$app" >>"$LOGS/pm2.log" 2>&1 || true
    note "stopped $app (REPLICAS=${REPLICAS:-2})"
  done
  for app in $(stale_apps); do
    pm2 delete "$app" >>"$LOGS/pm2.log" 2>&1 || true
    note "restarting $app from scratch (its script or node arguments changed)"
    missing=1
  done
  local reloaded=0 classic
  # Once per broker that predates quorum queues: stop the services (nothing consumes or
  # publishes), park each classic queue's messages, and let the new replicas declare the
  # quorum queues; the messages go back once they are ready (below).
  mapfile -t classic < <(classic_queues)
  if ((${#classic[@]})); then
    note "turning ${#classic[@]} classic queues into quorum queues; the services restart once (log: .run/logs/queues-to-quorum.log)"
    services_stop
    queues_to_quorum park "${classic[@]}"
    missing=1
  fi
  if ((missing)) || code_changed; then
    # Stamp first: an edit made while the replicas start counts as a change next time.
    touch "$SERVICES_STAMP"
    pm2 startOrReload "$ECOSYSTEM" --update-env >>"$LOGS/pm2.log" 2>&1 ||
      die "pm2 could not start the services; see .run/logs/pm2.log"
    reloaded=1
  fi
  # Ready means the replica reached its database, Redis and RabbitMQ.
  local deadline=$((SECONDS + ${SERVICES_READY_TIMEOUT:-120}))
  while read -r name port; do
    until replica_ready "$port"; do
      ((SECONDS < deadline)) && { sleep 1; continue; }
      die "replica $name (port $port) not ready after ${SERVICES_READY_TIMEOUT:-120} s; see .run/logs/$name.log"
    done
  done <<<"$list"
  # And their gRPC servers answer grpc.health.v1 with SERVING (scripts/grpc-health.ts).
  local grpc
  grpc="$(grpc_addresses)"
  if [[ -n "$grpc" ]]; then
    (cd "$ROOT" && "$ROOT/node_modules/.bin/tsx" scripts/grpc-health.ts --wait "$((deadline - SECONDS > 5 ? deadline - SECONDS : 5))" $grpc) >>"$LOGS/grpc-health.log" 2>&1 ||
      die "a gRPC server is not SERVING ($(tr '\n' ' ' <<<"$grpc")); see .run/logs/grpc-health.log"
  fi
  [[ -n "$(backlog_queues)" ]] && queues_to_quorum restore
  if ((reloaded)); then ok; else skip "$(wc -l <<<"$list") replicas already running, code unchanged"; fi
}

services_stop() {
  [[ -x "$PM2_BIN" ]] || return 0
  pm2_running || return 0
  pm2 kill >>"$LOGS/pm2.log" 2>&1 || true
  rm -f "$SERVICES_STAMP"
}
