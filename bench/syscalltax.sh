#!/usr/bin/env bash
# The syscall tax: a getppid loop (bench/sysloop.c) with the agent running
# and without, alternated in one run, per backend this kernel runs
# (--backend lsm, fmod_ret, kmod, classic; one this kernel refuses is reported as
# such). Root. Prints "BACKEND bare_ns agent_ns ratio" per backend (medians
# over RUNS rounds; ratio = bare/agent speed, 1.00 = no tax) or
# "BACKEND refused WHY". Called by bench/run.sh; runs alone too:
#
#   sudo OUT=build RUNS=5 N_SYSCALL=2000000 ./bench/syscalltax.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
EMBARGO=$PWD/$OUT/embargo
VICTIM=$PWD/$OUT/fixtures/victim
RUNS=${RUNS:-5}
N_SYSCALL=${N_SYSCALL:-2000000}
[ "$(id -u)" -eq 0 ] || { echo "syscalltax: needs root" >&2; exit 2; }
[ -x "$EMBARGO" ] && [ -f "$VICTIM" ] || { echo "syscalltax: build first (make all)" >&2; exit 2; }

T=$(mktemp -d /tmp/embargo-systax.XXXXXX)
CGROOT=$(findmnt -n -o TARGET -t cgroup2 | head -n1)
CG=$CGROOT/embargo-systax-$$
PIN=/sys/fs/bpf/embargo-systax-$$
AGENT_PID=
stop_agent() {
	if [ -n "$AGENT_PID" ]; then
		kill "$AGENT_PID" 2> /dev/null || true
		wait "$AGENT_PID" 2> /dev/null || true
		AGENT_PID=
	fi
	[ -d "$PIN" ] && "$EMBARGO" unload --pin-dir "$PIN" > /dev/null 2>&1 || true
}
cleanup() {
	stop_agent
	[ -d "$CG" ] && rmdir "$CG" 2> /dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
[ "$(stat -f -c %T /sys/fs/bpf 2> /dev/null)" = bpf_fs ] || mount -t bpf bpf /sys/fs/bpf
mkdir -p "$CG" "$T/roots"
cc -O2 -Wall -Wextra -Werror bench/sysloop.c -o "$T/sysloop"
printf 'scheme: uk-gsc\nclassification: SECRET\nscan:\n  roots: [%s]\n' "$T/roots" > "$T/host.yaml"
cat > "$T/policy.yaml" << YAML
embargo: 1
id: bench-systax
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Bench Vendor
    sha256: [$(sha256sum "$VICTIM" | cut -d' ' -f1)]
YAML

# start BACKEND: 0 when the agent enforces with it, else 1 (why in $T/err).
start() {
	: > "$T/log"
	"$EMBARGO" run --backend "$1" --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$T/log" \
		--pin-dir "$PIN" --cgroup "$CG" --state-dir "$T/state" 2> "$T/err" &
	AGENT_PID=$!
	for _ in $(seq 300); do
		grep -q '"action":"loaded"' "$T/log" 2> /dev/null && return 0
		kill -0 "$AGENT_PID" 2> /dev/null || { wait "$AGENT_PID" 2> /dev/null || true; AGENT_PID=; return 1; }
		sleep 0.1
	done
	return 1
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for be in lsm fmod_ret kmod classic; do
	if ! start "$be"; then
		why=$(grep -m1 -o 'unusable: .*' "$T/err" || tail -n1 "$T/err")
		echo "$be refused ${why:-?}"
		stop_agent
		continue
	fi
	stop_agent
	: > "$T/bare" && : > "$T/agent"
	for _ in $(seq "$RUNS"); do
		"$T/sysloop" "$N_SYSCALL" >> "$T/bare"
		start "$be" || { echo "$be refused on a later start"; continue 2; }
		"$T/sysloop" "$N_SYSCALL" >> "$T/agent"
		stop_agent
	done
	b=$(median < "$T/bare")
	a=$(median < "$T/agent")
	echo "$be $b $a $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
done
