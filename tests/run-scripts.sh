#!/usr/bin/env bash
# run-scripts.sh NAME DIR: run every DIR/test_*.sh, print each one's output,
# and close with "NAME: N passed, N failed" (one count per script).
set -uo pipefail
cd "$(dirname "$0")/.."
name=$1 dir=$2
pass=0 fail=0
for t in "$dir"/test_*.sh; do
	echo "== $t"
	if out=$("$t" 2>&1); then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	printf '%s\n' "$out"
done
echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
