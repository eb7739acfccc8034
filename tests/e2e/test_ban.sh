#!/usr/bin/env bash
# embargo ban / unban with a running agent: `ban --kill` of a running
# fixture's hash kills it and new execs are denied within 1 s; `unban`
# allows it again within 1 s. The fixture is a private copy with random
# bytes appended, so its hash is this run's alone: --kill can never reach
# any other process on the machine.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e ban"
. tests/e2e/env.sh

POL="$T/policies"
STATE="$T/state"
VICTIM_PID=
ban_cleanup() { [ -n "$VICTIM_PID" ] && kill -9 "$VICTIM_PID" 2>/dev/null; }
trap 'ban_cleanup; e2e_cleanup' EXIT

write_host SECRET
mkdir -p "$POL"
cp "$FIX/slowvictim" "$T/bin/ir-victim"
head -c 32 /dev/urandom >> "$T/bin/ir-victim"
HASH=$(sha256 "$T/bin/ir-victim")

# within_1s CMD...: CMD succeeds within one second.
within_1s() {
	local i
	for i in $(seq 20); do "$@" && return 0; sleep 0.05; done
	return 1
}
killed_at_exec() { [ "$(EMB_SLEEP=0 run_fixture "$T/bin/ir-victim")" = 137 ] && [ ! -e "$T/marker" ]; }
runs() { EMB_SLEEP=0 run_fixture "$T/bin/ir-victim" | grep -qx 0; }
gone() { ! kill -0 "$VICTIM_PID" 2>/dev/null; }
ctl() { "$EMBARGO" "$@" --host "$T/host.yaml" --policy-dir "$POL" --state-dir "$STATE" 2>&1; }

# Agent on the policy dir (empty but for what ban writes).
"$EMBARGO" run --host "$T/host.yaml" --policy-dir "$POL" --log "$LOG" --pin-dir "$PIN" \
	--cgroup "$CG" --state-dir "$STATE" 2> "$T/agent.err" &
AGENT_PID=$!
if ! wait_for "$LOG" '"event":"policy","action":"loaded"' 60; then
	bad "agent starts" "$(cat "$T/agent.err")"
	summary "e2e ban"
	exit 1
fi
ok "agent starts on an empty policy dir"

EMB_SLEEP=60 "$T/bin/ir-victim" &
VICTIM_PID=$!
disown "$VICTIM_PID" # no job-control noise when it is killed
sleep 0.2
check "the fixture runs before the ban" kill -0 "$VICTIM_PID"

out=$(ctl ban "$HASH" --vendor "IR test" --kill)
rc=$?
first=$(printf '%s\n' "$out" | sed -n 1p)
check "ban: exit 0" [ "$rc" = 0 ]
if [ "$first" = "embargo ban: $HASH banned (vendor \"IR test\") in $POL/00-local-bans.yaml" ]; then
	ok "ban: says what it wrote"
else
	bad "ban: says what it wrote" "$out"
fi
# The agent's reload kills what runs a newly banned file (a "running"
# event); --kill, right after, gets whatever is still there.
sleep 0.3
if grep -qxF "embargo ban: killed pid $VICTIM_PID ($T/bin/ir-victim)" <<< "$out" ||
	log_has '"event":"running","action":"kill"' "\"pid\":$VICTIM_PID"; then
	ok "ban: the fixture was killed (by the reload's sweep or by --kill)"
else
	bad "ban: the fixture was killed" "$out"
fi
check "ban: the --kill summary" grep -qE '^embargo ban: --kill: [01] process\(es\) ran it, [0-9]+ executables hashed' <<< "$out"
check "the running fixture is gone within 1 s" within_1s gone
VICTIM_PID=
expect_file() {
	if [ "$(cat "$POL/00-local-bans.yaml")" = "$1" ]; then ok "the local ban list"; else
		bad "the local ban list" "$(cat "$POL/00-local-bans.yaml")"; fi
}
expect_file "# Local bans, kept by \`embargo ban\` and \`embargo unban\`: edits by hand are
# kept as long as the file stays valid. Enforced at the host's own level.
embargo: 1
id: local-bans
title: Local bans (embargo ban)
scheme: \"uk-gsc\"
enforce: \"SECRET\"
vendors:
  - name: \"IR test\"
    sha256:
      - $HASH"
check "new execs denied within 1 s (agent reload)" within_1s killed_at_exec
sleep 0.3
check "the deny line names local-bans and the vendor" log_has '"event":"exec","action":"deny"' \
	'"policy":"local-bans"' '"vendor":"IR test"' "\"sha256\":\"$HASH\""

out=$(ctl ban "$HASH" --vendor "IR test")
check "ban twice: says already banned" grep -qxF "embargo ban: $HASH already banned (vendor \"IR test\") in $POL/00-local-bans.yaml" <<< "$out"

out=$(ctl unban "$HASH")
rc=$?
check "unban: exit 0" [ "$rc" = 0 ]
check "unban: says what it did" grep -qxF "embargo unban: $HASH removed from $POL/00-local-bans.yaml" <<< "$out"
check "unban: the emptied list is removed" [ ! -e "$POL/00-local-bans.yaml" ]
check "after unban the fixture runs again within 1 s" within_1s runs

out=$(ctl unban "$HASH")
rc=$?
expect_out() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "want: $2"$'\n'"got:  $3"; fi
}
expect_out "unban of a hash not banned: exit 1" "1
embargo unban: $HASH is not on the local ban list $POL/00-local-bans.yaml" "$rc
$out"
out=$(ctl ban 1234)
expect_out "ban of a bad hash: exit 2" "2
embargo ban: invalid sha256 '1234': expected 64 hex digits" "$?
$out"
printf 'scheme: uk-gsc\n' > "$T/unmarked.yaml"
out=$("$EMBARGO" ban "$HASH" --host "$T/unmarked.yaml" --policy-dir "$POL" --state-dir "$STATE" 2>&1)
expect_out "ban on an unmarked host: refused" "1
embargo ban: the host has no classification, so no ban can enforce here (set one in the host tag, or --classification)" "$?
$out"
check "...nothing written" [ ! -e "$POL/00-local-bans.yaml" ]
summary "e2e ban"
