#!/usr/bin/env bash
# Persistent index: a restart over an unchanged tree of 20,000 files hashes
# nothing (the log line says so), and a known-banned inode is denied by the
# cached verdicts while the background rescan runs.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e index restart"
. tests/e2e/env.sh

write_host SECRET
write_policy
mkdir -p "$T/bin/tree"
# 20,000 small executable files in 100 directories (distinct content).
for d in $(seq 0 99); do
	mkdir -p "$T/bin/tree/$d"
	( cd "$T/bin/tree/$d" && for f in $(seq 0 199); do printf '#!/bin/true\n%s-%s\n' "$d" "$f" > "f$f"; done && chmod +x f* )
done

start_agent || { bad "agent starts"; summary "e2e index restart"; exit 1; }
line=$(grep -E "index: [0-9]+ files" "$T/agent.err" | tail -1); echo "       ${line#embargo: }"
# The hard link's second name is "reused" when its twin was hashed first.
check "first start hashes the tree" grep -qE "index: 2000[0-9] files, 2000[0-9] hashed, [01] reused" "$T/agent.err"
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=
: > "$LOG"
start_agent || { bad "agent restarts"; summary "e2e index restart"; exit 1; }
# The banned copy is denied as soon as the policy is in force, from the cache.
rc=$(run_fixture "$T/bin/banned")
check "known-banned inode killed right after the restart (exit $rc)" [ "$rc" = 137 ]
wait_for "$T/agent.err" 'index: [0-9]+ files, [0-9]+ hashed' 60
line=$(grep -E 'index: [0-9]+ files, [0-9]+ hashed' "$T/agent.err" | tail -1)
echo "       ${line#embargo: }"
check "restart over the unchanged tree hashes nothing" grep -qE 'index: 2000[0-9] files, 0 hashed, 2000[0-9] reused' "$T/agent.err"
summary "e2e index restart"
