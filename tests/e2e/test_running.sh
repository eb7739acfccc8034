#!/usr/bin/env bash
# Instances already running: a banned program started (as nobody) before
# the agent is killed when the agent attaches, with a "running" event; a
# clean program started the same way keeps running. A second banned copy
# started while the agent runs unbanned is killed when a reload bans it.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e running"
. tests/e2e/env.sh

chmod 711 "$T" "$T/bin" # nobody runs the programs below
cp "$FIX/slowvictim" "$T/bin/slow"
cp "$(command -v sleep)" "$T/bin/sleeper"
chmod 755 "$T/bin/slow" "$T/bin/sleeper"
SLOW_SHA=$(sha256 "$T/bin/slow")
write_host SECRET
policy() {
	cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-running
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
$(for s in "$@"; do echo "      - $s"; done)
YAML
}
# bg NAME CMD...: start CMD as nobody in the test cgroup; its pid in $T/NAME.pid.
bg() {
	local name=$1
	shift
	[ "$1" = env ] || set -- env "$@"
	# in_cgroup's sh, run directly: $! is the pid that execs into CMD.
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG" \
		setpriv --reuid nobody --regid nogroup --clear-groups "$@" >/dev/null 2>&1 &
	echo $! > "$T/$name.pid"
}
alive() { kill -0 "$(cat "$T/$1.pid")" 2>/dev/null; }

bg slow env EMB_SLEEP=60 "$T/bin/slow"
bg sleeper "$T/bin/sleeper" 60
sleep 0.3
check "before the agent both run" bash -c "kill -0 $(cat "$T/slow.pid") && kill -0 $(cat "$T/sleeper.pid")"

policy "$SLOW_SHA"
start_agent || { bad "agent starts"; summary "e2e running"; exit 1; }
wait_for "$LOG" '"event":"running"' 10
wait "$(cat "$T/slow.pid")" 2>/dev/null
rc=$?
check "the banned program running before the agent was killed at attach (exit $rc)" [ "$rc" = 137 ]
check "the clean program still runs" alive sleeper
check "running event: kill, sigkill, the policy, the hash, the pid" log_has '"event":"running","action":"kill","method":"sigkill"' \
	'"policy":"e2e-running"' "\"sha256\":\"$SLOW_SHA\"" "\"pid\":$(cat "$T/slow.pid")" '"on":"exec"' \
	"\"path\":\"$T/bin/slow\""
check "no running event for the clean program" bash -c "! grep -q '\"event\":\"running\".*\"pid\":$(cat "$T/sleeper.pid")' '$LOG'"

# A ban that arrives later (reload) kills what already runs it.
cp "$FIX/allowed" "$T/bin/later"
cp "$T/bin/sleeper" "$T/bin/later-sleeper"
echo x >> "$T/bin/later-sleeper" # a file of its own content
LATER_SHA=$(sha256 "$T/bin/later-sleeper")
sleep 1 # the agent hashes new files as they are written
bg later "$T/bin/later-sleeper" 60
sleep 0.5
check "a program not banned yet runs under the agent" alive later
policy "$SLOW_SHA" "$LATER_SHA"
kill -HUP "$AGENT_PID"
wait "$(cat "$T/later.pid")" 2>/dev/null
rc=$?
check "the ban's reload killed it (exit $rc)" [ "$rc" = 137 ]
check "running event for the reload's kill" log_has '"event":"running","action":"kill"' "\"sha256\":\"$LATER_SHA\""
check "the clean program still runs after the reload" alive sleeper
kill "$(cat "$T/sleeper.pid")" 2>/dev/null
summary "e2e running"
