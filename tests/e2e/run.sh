#!/usr/bin/env bash
# Run every end-to-end test script; summarise.
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
for t in tests/e2e/test_*.sh; do
	echo "== $t"
	if out=$("$t" 2>&1); then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	printf '%s\n' "$out"
done
echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
