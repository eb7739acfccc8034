#!/usr/bin/env bash
# Reload: a changed policy file takes effect without a restart (bans added
# and removed), a broken one is refused and the old set stays in force, and
# SIGHUP reloads. Then 200 reloads (two valid policies and a broken one, in
# turn) while loops exec a banned fixture and connect to a banned address:
# not one gets through, and an allowed binary never fails.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e reload"
. tests/e2e/env.sh

write_host SECRET
ALLOWED_SHA=$(sha256 "$T/bin/allowed")

# policy_with SHA... -- CIDR...: the test policy with these bans.
policy_with() {
	local shas=() cidrs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do shas+=("$1"); shift; done
	shift
	cidrs=("$@")
	{
		printf 'embargo: 1\nid: e2e-reload\nscheme: uk-gsc\nenforce: SECRET\nvendors:\n  - name: Test Vendor\n'
		printf '    sha256:\n'
		for s in "${shas[@]}"; do printf '      - %s\n' "$s"; done
		printf '    connect:\n'
		for c in "${cidrs[@]}"; do printf '      - cidr: %s\n        ports: [443]\n' "$c"; done
	} > "$T/policy.new"
	mv "$T/policy.new" "$T/policy.yaml"
}
loaded_count() { grep -c '"event":"policy","action":"loaded"' "$LOG"; }
wait_loaded() { # wait_loaded N: until N loaded lines
	local i
	for i in $(seq 100); do [ "$(loaded_count)" -ge "$1" ] && return 0; sleep 0.05; done
	return 1
}

policy_with "$BANNED_SHA" -- 127.0.0.2/32
start_agent || { bad "agent starts"; summary "e2e reload"; exit 1; }
check "first policy: banned fixture killed" test "$(run_fixture "$T/bin/banned")" = 137
check "first policy: allowed fixture runs" test "$(run_fixture "$T/bin/allowed")" = 0

# Swap which fixture and which address are banned.
policy_with "$ALLOWED_SHA" -- 127.0.0.5/32
check "changed file reloaded within 5 s" wait_loaded 2
check "unbanned fixture now runs" test "$(run_fixture "$T/bin/banned")" = 0
check "newly banned fixture now killed" test "$(run_fixture "$T/bin/allowed")" = 137
check "unbanned address now reachable" test "$(probe tcp 127.0.0.2 443)" = ECONNREFUSED
check "newly banned address now EPERM" test "$(probe tcp 127.0.0.5 443)" = EPERM
sleep 0.3
check "deny line names the new ban" log_has '"event":"exec","action":"deny"' "\"sha256\":\"$ALLOWED_SHA\""

# A broken file: refused, the set in force stays.
refused_before=$(grep -c '"action":"refused"' "$LOG")
printf 'embargo: 1\nid: e2e-reload\nscheme: uk-gsc\nenforce: SECRETT\nvendors: []\n' > "$T/policy.new"
mv "$T/policy.new" "$T/policy.yaml"
for i in $(seq 100); do [ "$(grep -c '"action":"refused"' "$LOG")" -gt "$refused_before" ] && break; sleep 0.05; done
check "broken policy refused and logged" log_has '"action":"refused"' "unknown level 'SECRETT'"
check "after the refusal the old ban still holds" test "$(run_fixture "$T/bin/allowed")" = 137
check "after the refusal the old address ban still holds" test "$(probe tcp 127.0.0.5 443)" = EPERM

# SIGHUP reloads (the file is fixed first, without telling the agent).
policy_with "$BANNED_SHA" -- 127.0.0.2/32
n=$(loaded_count)
kill -HUP "$AGENT_PID"
check "SIGHUP reloads" wait_loaded $((n + 1))
check "agent still running after reloads" kill -0 "$AGENT_PID"

# 200 reloads under load. Both valid policies ban the victim and 127.0.0.2;
# they differ in a third address; every third file is broken.
stop_loops=$T/stop
exec_loop() {
	local ran=0 n=0
	while [ ! -e "$stop_loops" ]; do
		rm -f "$T/marker"
		EMB_MARKER="$T/marker" "$T/bin/copy" >/dev/null 2>&1
		[ -e "$T/marker" ] && ran=$((ran + 1))
		n=$((n + 1))
	done
	echo "$ran $n" > "$T/exec.result"
}
net_loop() {
	local passed=0 n=0
	while [ ! -e "$stop_loops" ]; do
		[ "$(probe tcp 127.0.0.2 443)" != EPERM ] && passed=$((passed + 1))
		n=$((n + 1))
	done
	echo "$passed $n" > "$T/net.result"
}
allowed_loop() {
	local failed=0 n=0
	while [ ! -e "$stop_loops" ]; do
		"$FIX/allowed" >/dev/null 2>&1 || failed=$((failed + 1))
		n=$((n + 1))
	done
	echo "$failed $n" > "$T/allowed.result"
}
exec_loop & p1=$!
net_loop & p2=$!
allowed_loop & p3=$!
for i in $(seq 200); do
	case $((i % 3)) in
	0) printf 'embargo: 1\nid: e2e-reload\nbroken: [\n' > "$T/policy.new" && mv "$T/policy.new" "$T/policy.yaml" ;;
	1) policy_with "$BANNED_SHA" -- 127.0.0.2/32 127.0.0.6/32 ;;
	2) policy_with "$BANNED_SHA" -- 127.0.0.2/32 127.0.0.7/32 ;;
	esac
	sleep 0.15
done
touch "$stop_loops"
wait "$p1" "$p2" "$p3"
read -r ran execs < "$T/exec.result"
read -r passed conns < "$T/net.result"
read -r failed allowed_runs < "$T/allowed.result"
check "banned exec never ran during 200 reloads ($ran of $execs)" test "$ran" = 0 -a "$execs" -gt 20
check "banned connect never passed during 200 reloads ($passed of $conns)" test "$passed" = 0 -a "$conns" -gt 20
check "allowed binary never failed during 200 reloads ($failed of $allowed_runs)" test "$failed" = 0 -a "$allowed_runs" -gt 20
check "reloads happened ($(loaded_count) loaded, $(grep -c '"action":"refused"' "$LOG") refused)" \
	test "$(loaded_count)" -gt 50 -a "$(grep -c '"action":"refused"' "$LOG")" -gt 20
summary "e2e reload"
