#!/usr/bin/env bash
# The agent's event path under ThreadSanitizer: an agent built with
# -fsanitize=thread ($EMBARGO, from `make tsan-test`) takes a flood of deny
# (banned execs and connects, event loop), unverified (fresh copies of a
# banned file, index thread) and containment (connects from a contained
# cgroup, event loop) events at once. Fails on any ThreadSanitizer report in
# its stderr; the clean twin: the same flood's lines are all in the log.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "tsan"
. tests/e2e/env.sh

NS=embargo-tsan-$$
ip netns add "$NS" || { bad "ip netns add"; summary "tsan"; exit 1; }
trap 'ip netns del "$NS" 2>/dev/null; e2e_cleanup' EXIT
ip -n "$NS" link set lo up
N=${EMB_TSAN_N:-3000}
U=${EMB_TSAN_U:-40}

# Content no other sandbox bans (see test_flood.sh): nothing but this
# test's processes lands in this log.
# unverified: deny kills whatever runs unhashed in the cgroup: the loops,
# ld.so and libc are in the scan roots; nsenter and sh run outside the cgroup.
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
LIBC=$(readlink -f "$(ldd "$FIX/connloop" | awk '/libc.so/ {print $3}')")
cp "$FIX/execloop" "$FIX/connloop" "$T/bin/"
cp "$FIX/victim" "$T/bin/flood"
head -c 32 /dev/urandom >> "$T/bin/flood"
FLOOD_SHA=$(sha256 "$T/bin/flood")
cat > "$T/host.yaml" <<YAML
scheme: uk-gsc
classification: SECRET
unverified: deny
scan:
  roots: [$T/bin, $LDSO, $LIBC]
YAML
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-tsan
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $FLOOD_SHA
    connect:
      - cidr: 127.0.0.2/32
        ports: [443]
        proto: tcp
YAML
mkdir -p "$T/pol"
cat > "$T/pol/00-contain.yaml" <<YAML
embargo: 1
id: tsan-contain
contain:
  allow:
    - cidr: 198.51.100.1/32
      ports: [22]
YAML
# halt_on_error=0: every report is printed, the agent goes on.
export TSAN_OPTIONS="halt_on_error=0 report_signal_unsafe=0"
# TSan's shadow memory needs the classic address layout on kernels with a
# large mmap randomisation; setarch -R gives the agent that layout.
start_agent --policy-dir "$T/pol" || { bad "agent starts"; cat "$T/agent.err"; summary "tsan"; exit 1; }
unset TSAN_OPTIONS

start=$(date +%s)
in_cgroup "$CG" "$T/bin/execloop" "$T/bin/flood" "$N" > "$T/exec.res" &
p1=$!
nsenter --net="/run/netns/$NS" sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG" \
	"$T/bin/connloop" 192.0.2.1 80 "$N" > "$T/contain.res" &
p2=$!
in_cgroup "$CG" "$T/bin/connloop" 127.0.0.2 443 "$N" > "$T/conn.res" &
p3=$!
for i in $(seq 1 "$U"); do
	cp "$T/bin/flood" "$T/bin/u$i"
	EMB_MARKER="$T/marker.u$i" in_cgroup "$CG" "$T/bin/u$i" >/dev/null 2>&1
done
wait "$p1" "$p2" "$p3"
ok "flood done in $(( $(date +%s) - start ))s: exec $(cat "$T/exec.res"); contain $(cat "$T/contain.res"); connect $(cat "$T/conn.res")"
ran=$(cd "$T" && ls marker* 2>/dev/null | tr '\n' ' ')
check "the banned program never ran (markers: ${ran:-none})" [ -z "$ran" ]
check "every contained connect refused" grep -q "eperm $N other 0" "$T/contain.res"
check "every banned connect refused" grep -q "eperm $N other 0" "$T/conn.res"
count() { grep -c "$1" "$LOG"; }
for _ in $(seq 1 30); do
	[ "$(count '"event":"unverified"')" -gt 0 ] && [ "$(count '"event":"contain"')" -gt 0 ] && break
	sleep 1
done
kill -TERM "$AGENT_PID" && wait "$AGENT_PID"
AGENT_PID=
check "deny lines logged ($(count '"event":"exec","action":"deny"'))" [ "$(count '"event":"exec","action":"deny"')" -gt 0 ]
check "unverified lines logged ($(count '"event":"unverified"'))" [ "$(count '"event":"unverified"')" -gt 0 ]
check "contain lines logged ($(count '"event":"contain"'))" [ "$(count '"event":"contain"')" -gt 0 ]
check "every line of the log is JSON" jq -e . "$LOG" >/dev/null
if grep -q 'WARNING: ThreadSanitizer' "$T/agent.err"; then
	bad "no ThreadSanitizer report" "$(grep -A30 -m3 'WARNING: ThreadSanitizer' "$T/agent.err")"
else
	ok "no ThreadSanitizer report ($(grep -c . "$T/agent.err") stderr lines)"
fi
summary "tsan"
