#!/usr/bin/env bash
# `embargo status` checks every link the pinned backend needs: a cgroup
# link detached (bpftool link detach) or a link pin removed is no longer
# "enforcing" (exit 3, attached false, the link named), and the banned
# connect it let through is real; the next `embargo run` replaces such a
# set (a detached link adopted would stay detached) and enforces again.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
require_root "e2e status links"
. tests/e2e/env.sh

status_json() { "$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state"; }
link_state() { jq -r --arg n "$2" '.links[] | select(.name == $n) | .state' <<<"$1"; }
stop_agent() { kill "$AGENT_PID" && wait "$AGENT_PID" 2>/dev/null; AGENT_PID=; }

write_host SECRET
write_policy
start_agent || { bad "agent starts"; summary "e2e status links"; exit 1; }
sj=$(status_json); rc=$?
check "all attached: exit 0 (exit $rc)" [ "$rc" = 0 ]
check "all attached: attached true" [ "$(jq .attached <<<"$sj")" = true ]
check "links: link_connect4 and link_exec attached" \
	[ "$(link_state "$sj" link_connect4) $(link_state "$sj" link_exec)" = "attached attached" ]
check "links: every one attached" [ "$(jq '[.links[] | select(.state != "attached")] | length' <<<"$sj")" = 0 ]
check "banned connect: EPERM while attached" [ "$(probe tcp 127.0.0.2 443)" = EPERM ]

# Detach the connect4 link: the pin stays, the program no longer runs.
bpftool link detach pinned "$PIN/link_connect4"
check "bpftool link detach link_connect4 (rc $?)" [ $? = 0 ]
sj=$(status_json); rc=$?
check "detached: exit 3 (exit $rc)" [ "$rc" = 3 ]
check "detached: loaded true, attached false" [ "$(jq -c '[.loaded, .attached]' <<<"$sj")" = '[true,false]' ]
check "detached: link_connect4 detached" [ "$(link_state "$sj" link_connect4)" = detached ]
check "detached: link_connect6 still attached" [ "$(link_state "$sj" link_connect6)" = attached ]
out=$("$EMBARGO" status --pin-dir "$PIN" --state-dir "$T/state")
check "human view names the detached link" grep -q "^embargo: NOT ENFORCING in full: link_connect4 detached " <<<"$out"
no_line() { ! grep -q "$1" <<<"$2"; }
check "human view: no enforcing line" no_line '^embargo: enforcing' "$out"
# What status says is what the kernel does: the banned connect goes through.
check "banned connect: no longer EPERM (ECONNREFUSED: nothing listens)" [ "$(probe tcp 127.0.0.2 443)" = ECONNREFUSED ]
check "banned v6 connect: still EPERM (its link is attached)" [ "$(probe tcp ::1 4444)" = EPERM ]

# Remove a link pin as well.
rm "$PIN/link_sendmsg4"
sj=$(status_json); rc=$?
check "pin removed: exit 3 (exit $rc)" [ "$rc" = 3 ]
check "pin removed: link_sendmsg4 missing" [ "$(link_state "$sj" link_sendmsg4)" = missing ]

# The next agent replaces the set: enforcing again.
stop_agent
mv "$LOG" "$LOG.1"
start_agent || bad "agent restarts" "$(cat "$T/agent.err")"
check "restart replaced the set, naming the missing link" grep -qE "pins in $PIN: replaced: link (link_connect4 is detached|link_sendmsg4 is not pinned)" "$T/agent.err"
sj=$(status_json); rc=$?
check "after restart: exit 0 (exit $rc), attached true" [ "$rc:$(jq .attached <<<"$sj")" = 0:true ]
check "after restart: banned connect EPERM again" [ "$(probe tcp 127.0.0.2 443)" = EPERM ]
summary "e2e status links"
