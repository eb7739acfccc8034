#!/usr/bin/env bash
# Enforcement outlives the agent: kill -9 leaves the banned fixture killed
# and the banned address refused; a restart adopts the pins (same link ids:
# nothing detached or re-attached) and status shows the same policy; banned
# execs looping across the kill and the restart never succeed; SIGTERM
# leaves enforcement in place; a failed start touches no pins and leaves no
# empty pin dir; `embargo unload` ends enforcement and logs it.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e restart"
. tests/e2e/env.sh

LOOP_PID=
restart_cleanup() {
	touch "$T/stop-loop" 2>/dev/null
	[ -n "$LOOP_PID" ] && wait "$LOOP_PID" 2>/dev/null
	[ -n "${PIN2:-}" ] && rmdir "$PIN2" 2>/dev/null
	e2e_cleanup
}
trap restart_cleanup EXIT

# link ids of the pinned links, sorted: the same ids = the same attachments
link_ids() {
	for l in "$PIN"/link_*; do bpftool -j link show pinned "$l" | jq .id; done | sort -n | tr '\n' ' '
}
status_json() { "$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state"; }
expect_probe() {
	local want=$1 got; shift
	got=$(probe "$@")
	if [ "$got" = "$want" ]; then ok "$2 $3 -> $want $LABEL"; else bad "$2 $3 -> $want $LABEL" "got: $got"; fi
}
expect_killed() {
	local rc
	rc=$(run_fixture "$T/bin/banned")
	if [ "$rc" = 137 ] || [ "$rc" = 126 ]; then
		if [ ! -e "$T/marker" ]; then ok "banned exec refused $LABEL (exit $rc)"; return; fi
	fi
	bad "banned exec refused $LABEL" "exit $rc, marker: $(cat "$T/marker" 2>/dev/null)"
}

write_host SECRET
write_policy
start_agent || { bad "agent starts"; summary "e2e restart"; exit 1; }
ok "agent starts"
before=$(link_ids)
check "links pinned: $before" [ -n "$before" ]
check "first start says new pins" grep -q "pins in $PIN: new: no pins" "$T/agent.err"

# Banned execs in a loop across everything below; the victim writes
# $T/loop-marker if it ever runs.
(
	n=0 ran=0
	while [ ! -e "$T/stop-loop" ]; do
		EMB_MARKER="$T/loop-marker" "$T/bin/banned" >/dev/null 2>&1 && ran=$((ran + 1))
		n=$((n + 1))
	done
	echo "$n $ran" > "$T/loop-result"
) 2>/dev/null &
LOOP_PID=$!
sleep 1

kill -9 "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
AGENT_PID=
LABEL="(agent killed -9)"
expect_killed
expect_probe EPERM tcp 127.0.0.2 443
sj=$(status_json); rc=$?
check "status with the agent dead: exit 0" [ "$rc" = 0 ]
check "status with the agent dead: loaded, agent not running, policy e2e-test enforce" \
	[ "$(jq -c '[.loaded, .agent.running, .policies]' <<<"$sj")" = '[true,false,[{"id":"e2e-test","mode":"enforce"}]]' ]

# A start that fails after the pin dir exists touches no pins.
"$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$T/failed.jsonl" \
	--pin-dir "$PIN" --cgroup "$T/no-such-cgroup" --state-dir "$T/state" 2> "$T/failed.err"
check "failed start (bad --cgroup) exits 1" [ $? = 1 ]
check "failed start left the links as they were" [ "$(link_ids)" = "$before" ]
PIN2="/sys/fs/bpf/embargo-e2e-$$-fresh"
"$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$T/failed.jsonl" \
	--pin-dir "$PIN2" --cgroup "$T/no-such-cgroup" --state-dir "$T/state2" 2>> "$T/failed.err"
check "failed first start leaves no pin dir behind" [ ! -e "$PIN2" ]

mv "$LOG" "$LOG.1"
start_agent || bad "agent restarts" "$(cat "$T/agent.err")"
LABEL="(agent restarted)"
check "restart adopted the pins" grep -q "pins in $PIN: adopted generation 1" "$T/agent.err"
after=$(link_ids)
if [ "$after" = "$before" ]; then ok "same link ids after the restart: nothing re-attached"; else bad "same link ids" "before: $before after: $after"; fi
sj=$(status_json)
check "status after restart: generation 2, agent running with its pid, state current" \
	[ "$(jq -c '[.generation, .agent.running, .agent.pid, .state]' <<<"$sj")" = "[2,true,$AGENT_PID,\"current\"]" ]
check "status after restart: the same policy" \
	[ "$(jq -c .policies <<<"$sj")" = '[{"id":"e2e-test","mode":"enforce"}]' ]
expect_killed
expect_probe EPERM tcp 127.0.0.2 443

# A second agent on the same pin dir is refused and changes nothing.
"$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$T/second.jsonl" \
	--pin-dir "$PIN" --cgroup "$CG" --state-dir "$T/state2" 2> "$T/second.err"
check "second agent on the same pin dir exits 1" [ $? = 1 ]
check "second agent says why" grep -q "another embargo run holds $PIN" "$T/second.err"
# ... and one on the same state dir (its pid file) too, before touching pins.
"$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$T/third.jsonl" \
	--pin-dir "$PIN-other" --cgroup "$CG" --state-dir "$T/state" 2> "$T/third.err"
check "agent on the same state dir exits 1" [ $? = 1 ]
check "and says which agent holds it" grep -qF "embargo: another agent (pid $AGENT_PID) uses $T/state" "$T/third.err"
check "and made no pin dir" [ ! -e "$PIN-other" ]
check "second agent changed no link" [ "$(link_ids)" = "$before" ]

sleep 1
touch "$T/stop-loop"
wait "$LOOP_PID"
LOOP_PID=
read -r loops ran < "$T/loop-result"
check "banned exec loop across kill -9 and restart: $loops attempts, $ran succeeded" \
	[ "$loops" -gt 0 -a "$ran" = 0 ]
check "the looped victim never ran (no marker)" [ ! -e "$T/loop-marker" ]

kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
check "SIGTERM: the agent exits 0" [ $? = 0 ]
AGENT_PID=
LABEL="(agent stopped by SIGTERM)"
expect_killed

"$EMBARGO" unload --pin-dir "$PIN" --log "$LOG" 2> "$T/unload.err"
check "unload exits 0" [ $? = 0 ]
check "unload logged to the event log" log_has '"event":"policy","action":"unloaded"' "\"pin_dir\":\"$PIN\""
check "unload said it on stderr" grep -qF '"event":"policy","action":"unloaded"' "$T/unload.err"
LABEL="(after unload)"
rc=$(run_fixture "$T/bin/banned")
check "after unload the fixture runs (exit $rc, marker written)" [ "$rc" = 0 -a -e "$T/marker" ]
expect_probe ECONNREFUSED tcp 127.0.0.2 443
"$EMBARGO" status --pin-dir "$PIN" --state-dir "$T/state" >/dev/null
check "status after unload: exit 3 (not loaded)" [ $? = 3 ]
summary "e2e restart"
