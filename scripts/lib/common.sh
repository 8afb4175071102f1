# Shared helpers for the native-stack scripts (up, down, status, test).
# Sourced, never executed. Paths follow docs/conventions.md ("Runtime layout").

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN="$ROOT/.run"
LOGS="$RUN/logs"
PIDS="$RUN/pids"
STATE="$RUN/state"
TOOLS_BIN="$RUN/tools/bin"
mkdir -p "$LOGS" "$PIDS" "$STATE" "$TOOLS_BIN"

# Colour only for a human at a terminal; CI logs stay plain.
if [[ -t 1 && -z "${CI:-}" && -z "${NO_COLOR:-}" ]]; then
  C_OK=$'\e[32m' C_WARN=$'\e[33m' C_ERR=$'\e[31m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_OK='' C_WARN='' C_ERR='' C_DIM='' C_OFF=''
fi

STEP_NO=0
STEP_TOTAL=${STEP_TOTAL:-0}
STEP_STARTED=0
STEP_TITLE=''
LINE_OPEN=0   # the "[n/N] title ... " line still waits for its result
STEP_BROKEN=0 # something was printed below the step line

# step "Starting Redis" prints "[4/13] Starting Redis ... " and leaves the line
# open for ok/skip/FAILED. Notes and warnings break it; the result then repeats
# the step line so every step ends with one "[n/N] ... ok" line.
step() {
  STEP_NO=$((STEP_NO + 1))
  STEP_STARTED=$SECONDS STEP_TITLE=$1 STEP_BROKEN=0 LINE_OPEN=1
  printf '[%d/%d] %s ... ' "$STEP_NO" "$STEP_TOTAL" "$1"
}
_result() {
  ((LINE_OPEN)) || printf '[%d/%d] %s ... ' "$STEP_NO" "$STEP_TOTAL" "$STEP_TITLE"
  LINE_OPEN=0
  printf '%s\n' "$1"
}
_break() { if ((LINE_OPEN)); then printf '\n'; LINE_OPEN=0; STEP_BROKEN=1; fi; }
ok()   { _result "${C_OK}ok${C_OFF}$(elapsed)"; }
skip() { _result "${C_OK}ok${C_OFF} ($1)$(elapsed)"; }
elapsed() { local s=$((SECONDS - STEP_STARTED)); ((s >= 3)) && printf ' %s[%ds]%s' "$C_DIM" "$s" "$C_OFF"; return 0; }
note() { _break; printf '      %s\n' "$*"; }
warn() { _break; printf '      %swarning:%s %s\n' "$C_WARN" "$C_OFF" "$*" >&2; }

# die prints one line that says what to do, and exits non-zero (no stack traces).
die() {
  if ((STEP_NO > 0)); then _result "${C_ERR}FAILED${C_OFF}" >&2; fi
  printf '%serror:%s %s\n' "$C_ERR" "$C_OFF" "$*" >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

# STACK_EXTERNAL_INFRA=1: Postgres, Redis, RabbitMQ, Mailpit and Keycloak are run by
# someone else (CI service containers) on their usual ports. The scripts then install
# only clients, wait for those servers and provision them over the network, and never
# start, tune, stop or restart them. nginx and the services stay ours in both modes.
external_infra() { [[ "${STACK_EXTERNAL_INFRA:-0}" == 1 ]]; }
EXTERNAL_NOTE="external: STACK_EXTERNAL_INFRA=1"

# wait_external NAME SECONDS PROBE...: a server we do not run must answer PROBE in time.
wait_external() {
  local name=$1 timeout=$2; shift 2
  wait_until "$timeout" "$@" ||
    die "$name (external, STACK_EXTERNAL_INFRA=1) did not answer within $timeout s; start it, or unset STACK_EXTERNAL_INFRA to let this script run one"
}

# port_busy 8000 -> true when something listens on 127.0.0.1/0.0.0.0:8000.
port_busy() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# port_owner 8000 -> "nginx (pid 123)" or "unknown process" for messages.
port_owner() {
  local line
  line="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1)"
  if [[ -n "$line" ]]; then
    sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/\1 (pid \2)/' <<<"$line"
  else
    echo "an unknown process"
  fi
}

# tcp_open PORT -> true when a TCP connect to 127.0.0.1:PORT succeeds within 2 s
# (for servers we only reach, so `ss` may show docker-proxy rather than them).
tcp_open() { timeout 2 bash -c ">/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# busy_not_ours NAME PORT: used after a component's own health probe has failed.
busy_not_ours() {
  die "port $2 is taken by $(port_owner "$2"), which is not our $1; stop it (or free the port) and run again"
}

# http_ok URL -> true on any 2xx within 2 s.
http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

# wait_until SECONDS CMD... polls CMD every second; false on timeout.
wait_until() {
  local timeout=$1; shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep 1
  done
}

# pid_alive FILE -> true when FILE holds the pid of a live process.
pid_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid="$(tr -dc '0-9' <"$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# stop_pidfile NAME FILE: TERM the process group, wait, then KILL.
stop_pidfile() {
  local file=$2 pid
  pid_alive "$file" || { rm -f "$file"; return 0; }
  pid="$(tr -dc '0-9' <"$file")"
  # Started with setsid, so the pid is also the group id: take children (java, etc.) too.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until 30 bash -c "! kill -0 $pid 2>/dev/null"; then
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# start_bg NAME LOG CMD...: run CMD detached from this shell in its own session.
start_bg() {
  local name=$1 log=$2; shift 2
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# fingerprint FILES... -> one hash of the files' contents (missing files count as empty).
fingerprint() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# The services of docs/conventions.md and the first port of each; replica n listens on base+n-1.
SERVICES=(user product cart order inventory email)
declare -A SERVICE_PORT=([user]=4001 [product]=4011 [cart]=4021 [order]=4031 [inventory]=4041 [email]=4051)

database_url() { echo "postgres://$1_svc:$1_pw@127.0.0.1:5432/$2"; }

# replicas_setting: replicas per service, set in one place. REPLICAS=N (1-9) in the
# environment is recorded in .run/state/replicas, which ecosystem.config.cjs (pm2),
# nginx/render.sh (the edge's upstreams) and the tests read; without it the recorded value
# (default 2) stands, so a later `npm test` keeps what `REPLICAS=3 npm run up` set.
replicas_setting() {
  if [[ -n "${REPLICAS:-}" ]]; then
    [[ "$REPLICAS" =~ ^[1-9]$ ]] || die "REPLICAS must be 1-9 (each service has ten ports), got '$REPLICAS'"
    echo "$REPLICAS" >"$STATE/replicas"
  fi
  REPLICAS="$(cat "$STATE/replicas" 2>/dev/null || echo 2)"
  export REPLICAS
}
