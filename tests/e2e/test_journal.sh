#!/usr/bin/env bash
# Every event also reaches the journal with structured fields
# (EMBARGO_EVENT=, EMBARGO_ACTION=, EMBARGO_POLICY=, ... the JSON log's
# fields). Two parts:
#  - the real journald, where one runs (skipped with the reason otherwise);
#  - a stand-in journal socket in a private mount namespace (a tmpfs over
#    /run seen by this test's processes only), which checks exactly what the
#    agent sends with sd_journal_sendv.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e journal"
. tests/e2e/env.sh

write_host SECRET
write_policy

if [ -S /run/systemd/journal/socket ] && journalctl -n0 >/dev/null 2>&1; then
	since=$(date '+%Y-%m-%d %H:%M:%S')
	start_agent || { bad "agent starts"; summary "e2e journal"; exit 1; }
	run_fixture "$T/bin/banned" >/dev/null
	sleep 1
	j=$(journalctl --since "$since" -o json EMBARGO_POLICY=e2e-test EMBARGO_EVENT=exec 2>/dev/null | head -n1)
	check "journald: deny with EMBARGO_ fields" [ "$(jq -r '[.EMBARGO_ACTION, .SYSLOG_IDENTIFIER, .PRIORITY] | @tsv' <<<"$j")" = "$(printf 'deny\tembargo\t4')" ]
	kill "$AGENT_PID" && wait "$AGENT_PID"
	AGENT_PID=
	"$EMBARGO" unload --pin-dir "$PIN" --log "$LOG" 2>/dev/null
else
	echo "  skip journald part: no journald here (/run/systemd/journal/socket missing or journalctl fails)"
fi

if ! command -v unshare >/dev/null || ! command -v python3 >/dev/null; then
	echo "  skip stand-in journal part: needs unshare and python3"
	summary "e2e journal"
	exit 0
fi
# In a private mount namespace: /run is a fresh tmpfs holding the stand-in
# socket; the agent runs there and is killed there.
unshare -m --propagation private bash -c '
	mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal || exit 1
	python3 tests/e2e/journal_sink.py /run/systemd/journal/socket "$1/journal.jsonl" > "$1/sink.out" &
	sink=$!
	for _ in $(seq 50); do grep -q ready "$1/sink.out" && break; sleep 0.1; done
	"$2" run --host "$1/host.yaml" --policy "$1/policy.yaml" --log "$1/events.jsonl" \
		--pin-dir "$3" --cgroup "$4" --state-dir "$1/state" 2> "$1/agent.err" &
	agent=$!
	for _ in $(seq 300); do grep -q "\"action\":\"loaded\"" "$1/events.jsonl" 2>/dev/null && break; sleep 0.1; done
	(EMB_MARKER="$1/marker" "$1/bin/banned" >/dev/null 2>&1) 2>/dev/null
	sleep 1
	kill $agent; wait $agent
	kill $sink; wait $sink 2>/dev/null
	exit 0
' _ "$T" "$EMBARGO" "$PIN" "$CG"
J="$T/journal.jsonl"
check "agent saw the stand-in journal (no 'no journal' notice)" [ -z "$(grep 'no journal' "$T/agent.err")" ]
check "journal got the loaded line" [ "$(jq -r 'select(.EMBARGO_EVENT == "policy") | .EMBARGO_ACTION' "$J" | head -n1)" = loaded ]
deny=$(jq -c 'select(.EMBARGO_EVENT == "exec")' "$J" | head -n1)
check "journal deny: EMBARGO_ACTION/POLICY/VENDOR/SHA256/PATH/HOST_LEVEL" \
	[ "$(jq -r '[.EMBARGO_ACTION, .EMBARGO_POLICY, .EMBARGO_VENDOR, .EMBARGO_SHA256, .EMBARGO_PATH, .EMBARGO_HOST_LEVEL] | @tsv' <<<"$deny")" = \
	  "$(printf 'deny\te2e-test\tTest Vendor\t%s\t%s\tSECRET' "$BANNED_SHA" "$T/bin/banned")" ]
check "journal deny: PRIORITY 4, SYSLOG_IDENTIFIER embargo, MESSAGE as embargo log shows it" \
	[ "$(jq -r '[.PRIORITY, .SYSLOG_IDENTIFIER, (.MESSAGE | test("DENY +exec +e2e-test"))] | @tsv' <<<"$deny")" = "$(printf '4\tembargo\ttrue')" ]
# The same fields as the JSON log line, key for key.
logkeys=$(jq -r 'select(.event == "exec") | keys_unsorted | map(ascii_upcase) | join(" ")' "$LOG" | head -n1)
jkeys=$(jq -r 'keys_unsorted | map(select(startswith("EMBARGO_")) | ltrimstr("EMBARGO_")) | join(" ")' <<<"$deny")
check "journal fields = JSON log keys ($logkeys)" [ "$logkeys" = "$jkeys" ]
summary "e2e journal"
