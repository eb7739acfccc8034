#!/usr/bin/env bash
# make fuzz: run the policy parser fuzzer for FUZZ_SECONDS (default 60) on a
# scratch copy of the seed corpus (tests/fuzz/corpus + policies/). A crash,
# leak, timeout or out-of-memory fails the layer and leaves the input in
# $OUT/fuzz/artifacts.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-build}
BIN=$OUT/fuzz/fuzz_policy
SECONDS_=${FUZZ_SECONDS:-60}
work=$OUT/fuzz/corpus
mkdir -p "$work" "$OUT/fuzz/artifacts"
cp tests/fuzz/corpus/* "$work/"
find policies -name '*.yaml' -exec cp {} "$work/" \;
if "$BIN" -max_total_time="$SECONDS_" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$OUT/fuzz/artifacts/" "$work" >"$OUT/fuzz/log" 2>&1; then
	tail -n 12 "$OUT/fuzz/log" | grep -E '^stat::(number_of_executed_units|peak_rss_mb)' || true
	echo "fuzz: 1 passed, 0 failed (${SECONDS_}s, corpus $(ls "$work" | wc -l))"
	exit 0
fi
tail -n 40 "$OUT/fuzz/log"
echo "fuzz: 0 passed, 1 failed (artifacts in $OUT/fuzz/artifacts)"
exit 1
