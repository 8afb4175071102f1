# The Node services under pm2 (ecosystem.config.cjs), PM2_HOME in .run/pm2.

export PM2_HOME="$RUN/pm2"
PM2_BIN="$ROOT/node_modules/.bin/pm2"
ECOSYSTEM="$ROOT/ecosystem.config.cjs"
SERVICES_STAMP="$STATE/services-started"

pm2() { "$PM2_BIN" "$@"; }

pm2_running() { pid_alive "$PM2_HOME/pm2.pid"; }

# apps -> "name port" per replica in the process file (apps without a PORT, such as
# log-rotate, are helpers: pm2 runs them, nothing waits for their readiness).
apps() { (cd "$ROOT" && node -e 'for (const a of require("./ecosystem.config.cjs").apps) if (a.env.PORT) console.log(a.name, a.env.PORT)'); }

# online_apps -> names pm2 reports online (nothing if the daemon is down).
online_apps() {
  pm2_running || return 0
  pm2 jlist 2>/dev/null | jq -r '.[] | select(.pm2_env.status == "online") | .name' 2>/dev/null || true
}

# code_changed: runtime code (src/, package.json, lockfile, process file) newer
# than the last (re)start. Tests and docs do not restart anything.
code_changed() {
  [[ -e "$SERVICES_STAMP" ]] || return 0
  [[ -n "$(find "$ECOSYSTEM" "$ROOT/package-lock.json" "$ROOT"/services/*/src "$ROOT"/packages/*/src \
    "$ROOT"/services/*/package.json "$ROOT"/packages/*/package.json \
    -type f -newer "$SERVICES_STAMP" -print 2>/dev/null | head -1)" ]]
}

replica_ready() { http_ok "http://127.0.0.1:$1/health/ready"; }

step_services() {
  step "Starting services under pm2 (2 replicas each)"
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
  local reloaded=0
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
  if ((reloaded)); then ok; else skip "$(wc -l <<<"$list") replicas already running, code unchanged"; fi
}

services_stop() {
  [[ -x "$PM2_BIN" ]] || return 0
  pm2_running || return 0
  pm2 kill >>"$LOGS/pm2.log" 2>&1 || true
  rm -f "$SERVICES_STAMP"
}
