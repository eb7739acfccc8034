# shellcheck shell=bash
# Shared helpers of the shell test suites: results, root checks, agent runs.

PASS=0
FAIL=0
EMBARGO=${EMBARGO:-$PWD/${OUT:-build}/embargo}
FIX=${FIX:-$PWD/${OUT:-build}/fixtures}

ok() { PASS=$((PASS + 1)); echo "  ok   $1"; }
bad() {
	FAIL=$((FAIL + 1))
	echo "  FAIL $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/       | /'
	return 0
}
# check NAME CMD...: pass when CMD succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
summary() {
	echo "$1: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

# Skip (or fail, when CI demands root tests) without root.
require_root() {
	[ "$(id -u)" -eq 0 ] && return 0
	if [ "${EMBARGO_REQUIRE_ROOT_TESTS:-0}" = 1 ]; then
		echo "$1: FAIL: needs root and EMBARGO_REQUIRE_ROOT_TESTS=1"
		echo "$1: 0 passed, 1 failed"
		exit 1
	fi
	echo "$1: skipped: needs root (run: sudo make test)"
	exit 0
}

ensure_bpffs() {
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] || mount -t bpf bpf /sys/fs/bpf
}

cgroup2_root() { findmnt -n -o TARGET -t cgroup2 | head -n1; }

# wait_for FILE PATTERN [SECONDS]: until a line of FILE matches (grep -E).
wait_for() {
	local file=$1 pat=$2 t=$((${3:-30} * 10))
	while [ $t -gt 0 ]; do
		grep -qE "$pat" "$file" 2>/dev/null && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# in_cgroup DIR CMD...: run CMD as a process of cgroup DIR.
in_cgroup() {
	local cg=$1; shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

sha256() { sha256sum "$1" | cut -d' ' -f1; }
