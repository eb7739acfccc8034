#!/usr/bin/env bash
# CLI tests that need neither root nor a kernel feature; summarise.
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
for t in tests/cli/test_*.sh; do
	echo "== $t"
	if out=$("$t" 2>&1); then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	printf '%s\n' "$out"
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
