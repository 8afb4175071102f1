# Keycloak: fetch the server distribution from Maven Central, unpack it into
# .run/keycloak, run it in dev mode with the shop realm imported. With
# STACK_EXTERNAL_INFRA=1 someone else runs it (CI: a container with the realm
# imported and the same kcadmin bootstrap admin); we only wait for it.
# Sourced by up.sh, down.sh and status.sh.

KEYCLOAK_VERSION=26.4.5
KC_HOME="$RUN/keycloak"
KC_URL=http://127.0.0.1:8080
KC_HEALTH=http://127.0.0.1:9000/health/ready
KC_REALM_FILE="$ROOT/keycloak-docker-compose/realm-shop.json"
KC_PIDFILE="$PIDS/keycloak.pid"

keycloak_ready() { http_ok "$KC_HEALTH"; }

keycloak_install() {
  [[ "$(cat "$KC_HOME/.version" 2>/dev/null)" == "$KEYCLOAK_VERSION" && -x "$KC_HOME/bin/kc.sh" ]] && return 0
  local dl="$RUN/downloads" tgz
  tgz="$dl/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
  mkdir -p "$dl"
  if [[ ! -s "$tgz" ]]; then
    note "fetching keycloak-quarkus-dist $KEYCLOAK_VERSION with Maven (log: .run/logs/maven.log)"
    # -B: batch mode, no progress bars in the log.
    mvn -B -q dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" \
      "-DoutputDirectory=$dl" >>"$LOGS/maven.log" 2>&1 ||
      die "could not fetch Keycloak $KEYCLOAK_VERSION with Maven; see .run/logs/maven.log"
  fi
  # Unpack beside the target and swap, so an interrupted unpack never looks installed.
  # data/ (the dev database with users made at run time) survives a reinstall.
  local tmp="$RUN/keycloak.unpack"
  rm -rf "$tmp" && mkdir -p "$tmp"
  tar -xzf "$tgz" -C "$tmp" --strip-components=1 || die "could not unpack $tgz; delete it and run again"
  [[ -d "$KC_HOME/data" ]] && mv "$KC_HOME/data" "$tmp/data.keep"
  rm -rf "$KC_HOME" && mv "$tmp" "$KC_HOME"
  [[ -d "$KC_HOME/data.keep" ]] && rm -rf "$KC_HOME/data" && mv "$KC_HOME/data.keep" "$KC_HOME/data"
  echo "$KEYCLOAK_VERSION" >"$KC_HOME/.version"
  rm -f "$tgz" # 160 MB; Maven still has it in ~/.m2 should we need it again
}

# keycloak_stage_realm: copy the realm JSON where --import-realm looks. Import
# happens only when the realm does not exist yet (Keycloak's default strategy).
keycloak_stage_realm() {
  mkdir -p "$KC_HOME/data/import"
  rm -f "$KC_HOME/data/import/"*.json
  if [[ ! -f "$KC_REALM_FILE" ]]; then
    KC_REALM_MISSING=1
    return 0
  fi
  cp "$KC_REALM_FILE" "$KC_HOME/data/import/realm-shop.json"
  local sum
  sum="$(fingerprint "$KC_REALM_FILE")"
  # The dev database keeps the realm from the first import; a changed file is
  # re-imported over it before the server starts (overwriting realm settings).
  if [[ -d "$KC_HOME/data/h2" && -s "$STATE/keycloak-realm.sum" && "$(cat "$STATE/keycloak-realm.sum")" != "$sum" ]]; then
    note "realm-shop.json changed since the last import: re-importing (log: .run/logs/keycloak-import.log)"
    "$KC_HOME/bin/kc.sh" import --file "$KC_REALM_FILE" --override true >>"$LOGS/keycloak-import.log" 2>&1 ||
      die "re-importing the realm failed; see .run/logs/keycloak-import.log"
  fi
  echo "$sum" >"$STATE/keycloak-realm.sum"
}

keycloak_start() {
  # Bind to loopback only (conventions: everything on 127.0.0.1) and pin the
  # hostname so the token issuer is http://127.0.0.1:8080/realms/shop however
  # a client reaches the server: services compare `iss` exactly.
  # With brute-force detection on, Keycloak 26 refuses concurrent logins of one user by
  # default (all but one get invalid_grant); a shopper on two devices, or the load tests,
  # must not be refused for that. Failures are still counted and locked out.
  JAVA_OPTS_KC_HEAP="-Xms128m -Xmx1g" \
    KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin KC_BOOTSTRAP_ADMIN_PASSWORD=kcadmin \
    start_bg keycloak "$LOGS/keycloak.log" "$KC_HOME/bin/kc.sh" start-dev \
    --http-host=127.0.0.1 --http-port=8080 --hostname=http://127.0.0.1:8080 \
    --import-realm --health-enabled=true \
    --spi-brute-force-protector-default-brute-force-detector-allow-concurrent-requests=true
}

# Step 1 of 2: launch Keycloak early; it boots while Postgres, Redis and RabbitMQ start.
step_keycloak_launch() {
  KC_REALM_MISSING=0
  if external_infra; then
    step "Launching Keycloak"
    skip "$EXTERNAL_NOTE; not launched here, waited for below"
    return 0
  fi
  step "Launching Keycloak $KEYCLOAK_VERSION (JDK: $(basename "$JAVA_HOME"))"
  if keycloak_ready; then skip "already running"; return 0; fi
  if pid_alive "$KC_PIDFILE"; then skip "still booting"; return 0; fi
  port_busy 8080 && busy_not_ours Keycloak 8080
  port_busy 9000 && busy_not_ours "Keycloak (management)" 9000
  keycloak_install
  keycloak_stage_realm
  keycloak_start
  ((KC_REALM_MISSING)) && warn "keycloak-docker-compose/realm-shop.json not found: realm 'shop' not imported"
  ok
}

# Step 2 of 2: wait for health, then make sure the demo admin exists.
step_keycloak_ready() {
  if external_infra; then
    # A container that has not come up in 3 minutes is not going to.
    step "Waiting for Keycloak ($KC_HEALTH; $EXTERNAL_NOTE)"
    wait_external Keycloak 180 keycloak_ready
    keycloak_demo_admin
    ok
    return 0
  fi
  step "Waiting for Keycloak ($KC_HEALTH; 30-60 s on a cold start)"
  if ! wait_until 300 keycloak_ready; then
    pid_alive "$KC_PIDFILE" || die "Keycloak exited during boot; see .run/logs/keycloak.log"
    die "Keycloak not ready after 300 s; see .run/logs/keycloak.log"
  fi
  keycloak_demo_admin
  ok
}

keycloak_stop() {
  if pid_alive "$KC_PIDFILE"; then
    stop_pidfile keycloak "$KC_PIDFILE"
  else
    # Started by an earlier checkout or by hand: find the Quarkus JVM by its home.
    local pid
    pid="$(pgrep -f "kc.home.dir=$KC_HOME" | head -1 || true)"
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait_until 30 bash -c "! kill -0 $pid 2>/dev/null" || true
  fi
}
