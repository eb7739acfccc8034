#!/usr/bin/env bash
# Run each cmocka unit-test binary (built with ASan+UBSan); summarise.
set -uo pipefail
pass=0 fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
