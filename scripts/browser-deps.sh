#!/usr/bin/env bash
# What the browser tests (test/browser) need on this machine: Debian's Chromium, driven
# by playwright-core through its executable path (no browser download; docs/decisions.md).
# Idempotent: quick when it is there. Run by scripts/test.sh before the jest stage.
set -euo pipefail
LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib"
# shellcheck source=/dev/null
source "$LIB/common.sh"
# shellcheck source=/dev/null
source "$LIB/prereqs.sh"

STEP_TOTAL=1
step "Chromium for the browser tests"
if [[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]]; then
  skip "$("${CHROMIUM_PATH:-/usr/bin/chromium}" --version 2>/dev/null | head -1)"
  exit 0
fi
[[ -z "${CHROMIUM_PATH:-}" ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
apt_install chromium
have chromium || die "chromium did not install; see .run/logs/apt.log"
ok
