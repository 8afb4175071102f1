#!/usr/bin/env bash
# What `npm test` runs: bring the stack up (quick when it already is), then
# lint, typecheck, the jest suites and the k6 smoke scenario. Every stage runs
# even after an earlier one failed (except those that need the stack), and the
# last line says what failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CI="${CI:-}"

declare -a SUMMARY=()
FAILED=0

# stage NAME CMD...: run, time, record.
stage() {
  local name=$1 started=$SECONDS rc; shift
  echo
  echo "==> $name: $*"
  "$@"
  rc=$?
  if ((rc == 0)); then
    SUMMARY+=("$name ok ($((SECONDS - started)) s)")
  else
    SUMMARY+=("$name FAILED (exit $rc)")
    FAILED=1
  fi
  return "$rc"
}

skipped() { SUMMARY+=("$1 skipped ($2)"); }

STACK_OK=1
stage "up" bash scripts/up.sh || STACK_OK=0
stage "lint" npm run --silent lint
stage "typecheck" npm run --silent typecheck
if ((STACK_OK)); then
  # FRESH_TEST_VHOSTS=1: test/global-setup.ts recreates the test vhosts empty.
  # --forceExit: a leaked handle in one suite must not hang CI until its timeout;
  # jest still prints "did not exit" so the leak stays visible.
  stage "jest" env FRESH_TEST_VHOSTS=1 npm run --silent test:jest -- --forceExit
  if [[ -f load-tests/smoke.js ]]; then
    # K6_NO_USAGE_REPORT: no phoning home from CI.
    stage "k6 smoke" env K6_NO_USAGE_REPORT=true .run/tools/bin/k6 run --quiet load-tests/smoke.js
  else
    skipped "k6 smoke" "no load-tests/smoke.js"
  fi
else
  skipped "jest" "the stack is not up"
  skipped "k6 smoke" "the stack is not up"
fi

echo
summary="$(IFS=';'; echo "${SUMMARY[*]}" | sed 's/;/, /g')"
if ((FAILED)); then
  echo "TESTS FAILED: $summary"
  exit 1
fi
echo "ALL TESTS PASSED: $summary"
