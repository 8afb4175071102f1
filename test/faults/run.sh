#!/usr/bin/env bash
# npm run test:faults [-- [jest options] test/faults/r05 ...]: the fault matrix (issue 10) against the running
# native platform, one scenario file after another; with no argument, every scenario.
# It kills and stops shared servers: nothing else may run against the platform meanwhile.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# Jest options alone (given as --name or --name=value) still mean every scenario.
paths=0
for a in "$@"; do [[ $a == -* || $a == *=* ]] || paths=1; done
((paths)) || set -- "$@" test/faults
FAULTS=1 FRESH_TEST_VHOSTS=0 NODE_OPTIONS=--experimental-vm-modules exec node_modules/.bin/jest --runInBand --forceExit "$@"
