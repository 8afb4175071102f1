#!/usr/bin/env bash
# npm run test:faults [-- test/faults/r05 ...]: the fault matrix (issue 10) against the running
# native platform, one scenario file after another; with no argument, every scenario.
# It kills and stops shared servers: nothing else may run against the platform meanwhile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
(($#)) || set -- test/faults
FAULTS=1 FRESH_TEST_VHOSTS=0 NODE_OPTIONS=--experimental-vm-modules exec node_modules/.bin/jest --runInBand --forceExit "$@"
