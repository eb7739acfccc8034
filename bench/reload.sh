#!/usr/bin/env bash
# Reload time of a policy set with 1,000,000 sha256 entries and 100,000
# CIDRs (issue 5; goal <= 1 s), and the kernel map memory it takes.
# Root; temp dirs, its own pin dir and cgroup; cleans up on every exit.
# Reload time = SIGHUP to the "loaded" line, median of RUNS reloads.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
EMBARGO=$PWD/$OUT/embargo
RUNS=${RUNS:-5}
[ "$(id -u)" -eq 0 ] || { echo "bench reload: needs root"; exit 1; }

T=$(mktemp -d /tmp/embargo-bench-reload.XXXXXX)
CG="$(findmnt -n -o TARGET -t cgroup2 | head -n1)/embargo-bench-$$"
PIN=/sys/fs/bpf/embargo-bench-$$
AGENT=
cleanup() {
	[ -n "$AGENT" ] && kill "$AGENT" 2>/dev/null && wait "$AGENT" 2>/dev/null
	"$EMBARGO" unload --pin-dir "$PIN" --log "$T/events.jsonl" >/dev/null 2>&1
	rmdir "$CG" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$CG" "$T/pol" "$T/roots"

# 5 files x 200,000 digests (a policy file is at most 16 MiB), 1 x 100,000
# /32s in 198.18.0.0/15 (the benchmarking range: never contacted).
python3 - "$T/pol" <<'PY'
import os, sys
d = sys.argv[1]
for f in range(5):
    with open(f"{d}/hashes{f}.yaml", "w") as out:
        out.write(f"embargo: 1\nid: bench-hashes-{f}\nscheme: uk-gsc\nenforce: SECRET\n"
                  "vendors:\n  - name: Bench\n    sha256:\n")
        for _ in range(200000):
            out.write("      - " + os.urandom(32).hex() + "\n")
with open(f"{d}/cidrs.yaml", "w") as out:
    out.write("embargo: 1\nid: bench-cidrs\nscheme: uk-gsc\nenforce: SECRET\n"
              "vendors:\n  - name: Bench\n    connect:\n")
    for i in range(100000):
        out.write(f"      - cidr: 198.{18 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/32\n")
PY
printf 'scheme: uk-gsc\nclassification: SECRET\nscan:\n  roots: [%s]\n' "$T/roots" > "$T/host.yaml"

# shellcheck source=bench/follow.sh
. bench/follow.sh
LOADED='*"event":"policy","action":"loaded"*'
now_ms() { local t; t=$(now_s); echo $(( ${t%.*} * 1000 + 10#${t#*.} / 1000 )); }
: > "$T/events.jsonl"
follow_open "$T/events.jsonl"
t0=$(now_ms)
"$EMBARGO" run --host "$T/host.yaml" --policy-dir "$T/pol" --log "$T/events.jsonl" --pin-dir "$PIN" \
	--cgroup "$CG" --state-dir "$T/state" 2> "$T/agent.err" &
AGENT=$!
follow_until "$AGENT" "$LOADED" || { echo "agent died:"; cat "$T/agent.err"; exit 1; }
echo "bench reload: first load $(( $(now_ms) - t0 )) ms"

# Field 10 of /proc/PID/stat, counted after "PID (COMM) ".
minflt() { local s f; read -r s < "/proc/$AGENT/stat"; read -ra f <<< "${s##*) }"; echo "${f[7]}"; }
times=() faults=()
for r in $(seq "$RUNS"); do
	f0=$(minflt)
	t0=$(now_ms)
	kill -HUP "$AGENT"
	follow_until "$AGENT" "$LOADED" || { echo "agent died:"; cat "$T/agent.err"; exit 1; }
	times+=($(( $(now_ms) - t0 )))
	faults+=($(( $(minflt) - f0 )))
done
median_of() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
median=$(median_of "${times[@]}")
fault_median=$(median_of "${faults[@]}")
# What a fault costs here: first touch of 64 MiB of fresh anonymous memory.
fault_us=$(python3 -c '
import mmap, time
n = 64 << 20
m = mmap.mmap(-1, n)
t = time.perf_counter()
for i in range(0, n, 4096):
    m[i] = 1
print("%.1f" % ((time.perf_counter() - t) * 1e6 / (n // 4096)))')
mem=0
for m in $(ls "$PIN"); do
	b=$(bpftool map show pinned "$PIN/$m" 2>/dev/null | grep -o 'memlock [0-9]*B' | grep -o '[0-9]*')
	[ -n "$b" ] && mem=$((mem + b))
done
echo "bench reload: 1,000,000 sha256 + 100,000 CIDRs: reload median ${median} ms (runs: ${times[*]} ms), goal <= 1000 ms: $([ "$median" -le 1000 ] && echo met || echo MISSED)"
echo "bench reload: minor page faults a reload: median ${fault_median} (runs: ${faults[*]}); first touch of a fresh 4 KiB page here: ${fault_us} us, so about $(python3 -c "print('%.2f' % (${fault_median} * ${fault_us} / 1e6))") s of the reload"
echo "bench reload: kernel map memory (memlock of the pinned maps): $((mem / 1024 / 1024)) MiB"
echo "bench reload: agent RSS $(grep VmRSS /proc/$AGENT/status | awk '{print $2, $3}')"
