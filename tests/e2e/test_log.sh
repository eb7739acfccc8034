#!/usr/bin/env bash
# `embargo log`: the agent's deny lines, human-readable and as written (--json);
# -f follows new lines, a truncated log and a replaced (rotated) log.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e log"
. tests/e2e/env.sh

FOLLOW_PID=
stop_follow() { [ -n "$FOLLOW_PID" ] && kill "$FOLLOW_PID" 2>/dev/null && wait "$FOLLOW_PID" 2>/dev/null; FOLLOW_PID=; }
trap 'stop_follow; e2e_cleanup' EXIT

write_host SECRET
write_policy
start_agent || { bad "agent starts"; summary "e2e log"; exit 1; }
ok "agent starts and reports the policy loaded"

"$EMBARGO" log -f --log "$LOG" > "$T/follow.out" 2> "$T/follow.err" &
FOLLOW_PID=$!

rc=$(run_fixture "$T/bin/banned")
# 137: killed at exec (classic backend); 126: execve failed with EPERM (LSM).
denied() { [ "$1" = 137 ] || [ "$1" = 126 ]; }
check "banned exec denied (exit $rc)" denied "$rc"
got=$(probe tcp 127.0.0.2 443)
check "banned connect refused ($got)" [ "$got" = EPERM ]
wait_for "$LOG" '"event":"connect","action":"deny"' 10

"$EMBARGO" log --log "$LOG" > "$T/log.out" 2> "$T/log.err"
rc=$?
check "embargo log exits 0 (rc $rc)" [ "$rc" = 0 ]
check "embargo log writes nothing to stderr" [ ! -s "$T/log.err" ]

TS='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'
SHORT="${BANNED_SHA:0:16}"
EXEC_RE="^$TS DENY    exec       e2e-test  Test Vendor  $T/bin/banned  sha256=$SHORT…  method=(sigkill|eperm) pid=[0-9]+ ppid=[0-9]+ uid=0 comm=[^ ]+$"
CONN_RE="^$TS DENY    connect    e2e-test  Test Vendor  127\.0\.0\.2:443/tcp  method=eperm pid=[0-9]+ uid=0 comm=netprobe exe=$FIX/netprobe$"
LOAD_RE="^$TS LOADED  policy     e2e-test \(enforce\)  .*host_level=SECRET$"
has_line() { grep -qE -- "$2" "$1"; }
check "policy loaded line" has_line "$T/log.out" "$LOAD_RE"
if has_line "$T/log.out" "$EXEC_RE"; then ok "exec deny line"; else bad "exec deny line" "$(cat "$T/log.out")"; fi
if has_line "$T/log.out" "$CONN_RE"; then ok "connect deny line"; else bad "connect deny line" "$(cat "$T/log.out")"; fi
check "one output line per log line" [ "$(wc -l < "$T/log.out")" = "$(wc -l < "$LOG")" ]

"$EMBARGO" log --json --log "$LOG" > "$T/json.out"
check "--json passes the lines through unchanged" cmp -s "$T/json.out" "$LOG"

# -f saw what the agent wrote after it started.
wait_for "$T/follow.out" "$CONN_RE" 5
check "-f shows the exec deny as it happens" has_line "$T/follow.out" "$EXEC_RE"
check "-f shows the connect deny as it happens" has_line "$T/follow.out" "$CONN_RE"

# A malformed line is shown raw with a marker, not dropped.
printf '%s\n' 'garbage {"event"' >> "$LOG"
wait_for "$T/follow.out" '^\[malformed\] garbage \{"event"$' 5
check "-f marks a malformed line" has_line "$T/follow.out" '^\[malformed\] garbage \{"event"$'

# Truncation (copytruncate) and rotation (a new file under the name).
LOST='{"time":"2026-11-23T09:08:43.123456Z","event":"lost","count":%d}\n'
: > "$LOG"
printf "$LOST" 7 >> "$LOG"
check "-f reads a truncated log from its start" wait_for "$T/follow.out" 'lost       count=7$' 5
mv "$LOG" "$LOG.1"
printf "$LOST" 8 > "$LOG"
check "-f follows a rotated log" wait_for "$T/follow.out" 'lost       count=8$' 5
check "-f said the file was truncated" grep -q 'file truncated' "$T/follow.err"
check "-f said the file was replaced" grep -q 'file replaced' "$T/follow.err"
stop_follow

"$EMBARGO" log --log "$T/missing.jsonl" 2> "$T/missing.err"
rc=$?
check "a missing log is an error (rc $rc)" [ "$rc" = 1 ]
check "the error names the file" grep -q "$T/missing.jsonl: No such file" "$T/missing.err"
summary "e2e log"
