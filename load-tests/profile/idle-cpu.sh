#!/usr/bin/env bash
# load-tests/profile/idle-cpu.sh SECONDS: CPU time of each part of the stack over SECONDS (/proc utime+stime
# per process, summed by what it is). Run it under /work/bin/exclusive, with no load.
S=${1:-30}; tk=$(getconf CLK_TCK)
group() { # pid -> group name
  local c; c=$(tr '\0' ' ' < /proc/$1/cmdline 2>/dev/null)
  case "$c" in
    *services/*/main.*) echo "node:$(grep -o 'services/[a-z]*' <<<"$c" | head -1 | cut -d/ -f2)";;
    postgres*) echo postgres;; pgbouncer*) echo pgbouncer;; redis-server*) echo redis;;
    *beam.smp*) echo rabbitmq;; *keycloak*|*quarkus*) echo keycloak;; nginx*) echo nginx;;
    *PM2*|*pm2*) echo pm2;; *rotate-loop*) echo log-rotate;; *) echo other;;
  esac
}
declare -A b g
for p in /proc/[0-9]*; do pid=${p#/proc/}; read -r -a f < $p/stat 2>/dev/null || continue; b[$pid]=$(( f[13] + f[14] )); g[$pid]=$(group $pid); done
sleep "$S"
declare -A t
for pid in "${!b[@]}"; do [ -r /proc/$pid/stat ] || continue; read -r -a f < /proc/$pid/stat 2>/dev/null || continue
  t[${g[$pid]}]=$(( ${t[${g[$pid]}]:-0} + f[13] + f[14] - b[$pid] )); done
for k in "${!t[@]}"; do printf '%-16s %6d ms  %6.2f%% of one core\n' "$k" $(( t[$k]*1000/tk )) "$(echo "scale=2; ${t[$k]}*100/$tk/$S" | bc)"; done | sort -k2 -n -r
