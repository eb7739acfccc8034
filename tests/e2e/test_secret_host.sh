#!/usr/bin/env bash
# SECRET host: banned exec is killed (every name of the content), banned
# endpoints get EPERM, others pass, and deny lines name what was denied.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e secret"
. tests/e2e/env.sh

write_host SECRET
write_policy
start_agent || { bad "agent starts"; summary "e2e secret"; exit 1; }
ok "agent starts and reports the policy loaded"
# This kernel refuses BPF LSM programs (EPERM): auto must fall back, saying
# why (the refusal, or bpf missing from the active LSMs on another kernel).
check "backend auto picks classic here, with the reason in the log" log_has '"event":"policy","action":"loaded"' \
	'"backend":"classic"' '"backend_reason":"'
check "and on stderr ($(grep -m1 'backend classic' "$T/agent.err"))" \
	grep -qE "^embargo: backend classic: lsm unusable: (the kernel refused the LSM programs|bpf is not an active LSM)" "$T/agent.err"

for name in banned copy hardlink renamed; do
	rc=$(run_fixture "$T/bin/$name")
	if [ "$rc" = 137 ] && [ ! -e "$T/marker" ]; then
		ok "exec of $name killed by SIGKILL before it ran"
	else
		bad "exec of $name killed" "exit $rc, marker: $(cat "$T/marker" 2>/dev/null)"
	fi
done
rc=$(run_fixture "$T/bin/allowed")
check "unbanned binary runs (exit $rc)" [ "$rc" = 0 ]

sleep 0.5
check "deny line names policy, vendor, sha256 and path" log_has '"event":"exec","action":"deny","method":"sigkill"' \
	'"policy":"e2e-test"' '"vendor":"Test Vendor"' "\"sha256\":\"$BANNED_SHA\"" "\"path\":\"$T/bin/banned\"" \
	'"host_level":"SECRET"'
check "the hard link's deny line has its own path" log_has '"action":"deny"' "\"path\":\"$T/bin/hardlink\""

expect_probe() {
	local want=$1; shift
	local got
	got=$(probe "$@")
	if [ "$got" = "$want" ]; then ok "$* -> $want"; else bad "$* -> $want" "got: $got"; fi
}
expect_probe EPERM tcp 127.0.0.2 443
expect_probe ECONNREFUSED tcp 127.0.0.3 443
expect_probe ECONNREFUSED tcp 127.0.0.2 444
expect_probe EPERM tcp ::1 4444
expect_probe EPERM tcp ::ffff:127.0.0.2 443
expect_probe EPERM udp 127.0.0.4 5353
expect_probe ok udp 127.0.0.4 5354
expect_probe ECONNREFUSED tcp 127.0.0.4 5353

sleep 0.5
check "connect deny line" log_has '"event":"connect","action":"deny","method":"eperm"' '"daddr":"127.0.0.2"' \
	'"dport":443' '"proto":"tcp"' "\"exe\":\"$FIX/netprobe\""
check "connect6 deny line" log_has '"event":"connect","action":"deny"' '"daddr":"::1"' '"dport":4444'
check "sendmsg deny line" log_has '"event":"sendmsg","action":"deny"' '"daddr":"127.0.0.4"' '"proto":"udp"'
summary "e2e secret"
