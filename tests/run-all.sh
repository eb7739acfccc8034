#!/usr/bin/env bash
# `make test`: every layer, in order; fails if any layer fails. Each layer
# prints its own "LAYER: N passed, N failed"; the last line sums the layers.
set -uo pipefail
cd "$(dirname "$0")/.."
LAYERS=(unit cli-test fuzz install-test package-test load-test e2e tsan-test vm-test)
pass=0 fail=0
for layer in "${LAYERS[@]}"; do
	echo "=== make $layer"
	if make --no-print-directory "$layer"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "make test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
