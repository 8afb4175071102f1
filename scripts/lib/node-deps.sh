# Step: npm dependencies. Sourced by scripts/up.sh.

step_node_deps() {
  step "Installing npm dependencies"
  local lock="$ROOT/package-lock.json" marker="$ROOT/node_modules/.package-lock.json"
  # npm writes node_modules/.package-lock.json on every install, so it is newer
  # than the lockfile exactly when node_modules matches it.
  # A workspace's package.json (a service gaining a dependency) counts too.
  if [[ -e "$marker" ]] && [[ -z "$(find "$ROOT/package.json" "$lock" "$ROOT"/packages/*/package.json \
    "$ROOT"/services/*/package.json -newer "$marker" 2>/dev/null | head -1)" ]]; then
    skip "node_modules up to date"
    return 0
  fi
  if [[ -f "$lock" && ! -d "$ROOT/node_modules" ]]; then
    note "npm ci (log: .run/logs/npm-install.log)"
    (cd "$ROOT" && npm ci --no-audit --no-fund) >>"$LOGS/npm-install.log" 2>&1 && { ok; return 0; }
    # A lockfile that lags a workspace's package.json makes npm ci refuse; npm
    # install reconciles it instead of leaving the stack down.
    warn "npm ci failed (lockfile out of date?); falling back to npm install"
  fi
  note "npm install (log: .run/logs/npm-install.log)"
  (cd "$ROOT" && npm install --no-audit --no-fund) >>"$LOGS/npm-install.log" 2>&1 ||
    die "npm install failed; see .run/logs/npm-install.log"
  touch "$marker"
  ok
}
