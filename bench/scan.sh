#!/usr/bin/env bash
# Benchmark `embargo scan` against `sha256sum` over the same tree, same run.
#
#   OUT=build ./bench/scan.sh [FILES]      (default 50000 files)
#
# Builds a tree of FILES files in a temp dir (sizes log-uniform from 128 B
# to 128 KiB, ~1 GiB in all, median ~4 KiB, 100 files a directory, a few
# large files) with 3 planted banned copies of the victim fixture (two
# copies and a hard link), checks that `embargo scan` finds exactly those 3
# and exits 10, then alternates timed runs of
#   embargo scan --policy P TREE > /dev/null
#   find TREE -type f -print0 | xargs -0 sha256sum > /dev/null
# RUNS times each (default 5) after one untimed warm-up of each, so both
# read from the page cache, and prints the medians and the ratio. Not part
# of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
EMBARGO=$PWD/$OUT/embargo
VICTIM=$PWD/$OUT/fixtures/victim
FILES=${1:-50000}
RUNS=${RUNS:-5}
[ -x "$EMBARGO" ] && [ -f "$VICTIM" ] || { echo "bench: build first: make OUT=$OUT all" >&2; exit 2; }
command -v python3 > /dev/null || { echo "bench: needs python3 to build the tree" >&2; exit 2; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
TREE=$T/tree

echo "bench: building $FILES files under $TREE ..."
python3 bench/mktree.py "$TREE" "$FILES" 17
cp "$VICTIM" "$TREE/d001/s03/installer.run"
cp "$VICTIM" "$TREE/d017/libvendor.so.1"
ln "$TREE/d017/libvendor.so.1" "$TREE/d040/s09/hardlink"
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: bench-scan
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Bench Vendor
    sha256:
      - $(sha256sum "$VICTIM" | cut -d' ' -f1)
YAML
nfiles=$(find "$TREE" -type f | wc -l)
bytes=$(du -sb --apparent-size "$TREE" | cut -f1)
echo "bench: $nfiles files, $bytes bytes, $(nproc) CPUs"

run_embargo() { "$EMBARGO" scan --policy "$T/policy.yaml" "$TREE" > "$T/found" 2> "$T/err"; }
run_sha256sum() { find "$TREE" -type f -print0 | xargs -0 sha256sum > /dev/null; }

# The acceptance check, which is also the warm-up run.
rc=0
run_embargo || rc=$?
found=$(wc -l < "$T/found")
if [ "$rc" != 10 ] || [ "$found" != 3 ]; then
	echo "bench: FAIL: embargo scan exit $rc with $found findings, want exit 10 and 3" >&2
	cat "$T/found" "$T/err" >&2
	exit 1
fi
echo "bench: embargo scan found the 3 planted copies, exit 10"
run_sha256sum

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: > "$T/t_embargo"
: > "$T/t_sha"
for i in $(seq "$RUNS"); do
	t0=$(now)
	run_embargo || [ $? = 10 ]
	t1=$(now)
	run_sha256sum
	t2=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >> "$T/t_embargo"
	awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >> "$T/t_sha"
	printf 'bench: run %d: embargo scan %.3f s, sha256sum %.3f s\n' "$i" \
		"$(tail -n1 "$T/t_embargo")" "$(tail -n1 "$T/t_sha")"
done
me=$(median < "$T/t_embargo")
ms=$(median < "$T/t_sha")
awk -v me="$me" -v ms="$ms" -v b="$bytes" -v n="$nfiles" 'BEGIN {
	printf "embargo scan: median %.3f s  %7.1f MiB/s  %8.0f files/s\n", me, b / me / 1048576, n / me
	printf "sha256sum:    median %.3f s  %7.1f MiB/s  %8.0f files/s\n", ms, b / ms / 1048576, n / ms
	printf "ratio: embargo scan is %.2fx sha256sum (goal >= 3x)\n", ms / me
}'
