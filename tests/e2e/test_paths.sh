#!/usr/bin/env bash
# Path globs (vendors[].paths) enforced by the agent: a file under a banned
# glob is killed at exec whatever its content, the same content elsewhere
# runs; a file written there later is caught; a file moved out runs again;
# a glob added by a reload and the verdicts after a restart hold.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e paths"
. tests/e2e/env.sh

# run_allowed PATH: exec a copy of the allowed fixture; prints its exit
# status, and "ran" if it printed its line (it ran at least one instruction).
run_allowed() {
	local out rc
	out=$("$1" 2>/dev/null)
	rc=$?
	echo "$rc${out:+ ran}"
}

# until_rc WANT PATH [TRIES]: exec PATH until it exits WANT (the agent may
# still be hashing a file just written or moved); prints the last result.
until_rc() {
	local want=$1 path=$2 n=${3:-50} r
	while [ "$n" -gt 0 ]; do
		r=$(run_allowed "$path")
		[ "${r%% *}" = "$want" ] && break
		sleep 0.1
		n=$((n - 1))
	done
	echo "$r"
}

write_paths_policy() { # GLOB...
	{
		printf 'embargo: 1\nid: e2e-paths\nscheme: uk-gsc\nenforce: SECRET\n'
		printf 'vendors:\n  - name: Path Vendor\n    paths:\n'
		for g in "$@"; do printf '      - "%s"\n' "$g"; done
	} > "$T/policy.yaml"
}

write_host SECRET
mkdir -p "$T/bin/vendor/sub"
cp "$FIX/allowed" "$T/bin/vendor/sub/tool"
cp "$FIX/allowed" "$T/bin/vendor/keep"
write_paths_policy "$T/bin/vendor/**"

start_agent || { bad "agent starts"; summary "e2e paths"; exit 1; }
wait_for "$T/agent.err" 'index: [0-9]+ files, [0-9]+ hashed' 60

r=$(run_allowed "$T/bin/vendor/sub/tool")
check "exec under the banned glob is killed before it runs ($r)" [ "$r" = 137 ]
check "the deny event names the glob and the path" \
	log_has '"event":"exec"' '"action":"deny"' "\"glob\":\"$T/bin/vendor/**\"" "\"path\":\"$T/bin/vendor/sub/tool\""
r=$(run_allowed "$T/bin/allowed")
check "the same content outside the glob runs ($r)" [ "$r" = "0 ran" ]

# Written after the start: hashed on write (or on its first exec) and
# then denied by the glob, not only as unverified.
cp "$FIX/allowed" "$T/bin/vendor/new"
r=$(run_allowed "$T/bin/vendor/new")
check "a file written under the glob after the start never runs ($r)" [ "$r" = 137 ]
wait_for "$LOG" "\"glob\":\"[^\"]*\",\"path\":\"$T/bin/vendor/new\"" 5 ||
	run_allowed "$T/bin/vendor/new" > /dev/null
check "... and is denied by the glob" wait_for "$LOG" "\"glob\":\"[^\"]*\",\"path\":\"$T/bin/vendor/new\"" 10

# Moved out of the glob: a new path, so it runs again.
mv "$T/bin/vendor/new" "$T/bin/moved-out"
r=$(until_rc 0 "$T/bin/moved-out")
check "moved out of the glob, it runs ($r)" [ "$r" = "0 ran" ]

# A reload adds a glob over the allowed copy: denied with no restart.
write_paths_policy "$T/bin/vendor/**" "$T/bin/allowed"
n=$(grep -c '"action":"loaded"' "$LOG")
kill -HUP "$AGENT_PID"
for _ in $(seq 100); do [ "$(grep -c '"action":"loaded"' "$LOG")" -gt "$n" ] && break; sleep 0.1; done
r=$(run_allowed "$T/bin/allowed")
check "a glob added by a reload denies at once ($r)" [ "$r" = 137 ]

# Restart: the verdicts come back from the index (paths stored with it).
# Meanwhile a directory moves out of the glob: its files keep their ctime,
# so it is the restart's scan that finds them elsewhere.
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=
mv "$T/bin/vendor/sub" "$T/bin/sub-moved"
start_agent || { bad "agent restarts"; summary "e2e paths"; exit 1; }
r=$(run_allowed "$T/bin/vendor/keep")
check "after a restart the glob still denies ($r)" [ "$r" = 137 ]
r=$(run_allowed "$T/bin/moved-out")
check "after a restart the moved-out copy runs ($r)" [ "$r" = "0 ran" ]
wait_for "$T/agent.err" 'index: [0-9]+ files, [0-9]+ hashed' 60
r=$(run_allowed "$T/bin/sub-moved/tool")
check "a directory moved out of the glob runs after the rescan ($r)" [ "$r" = "0 ran" ]
summary "e2e paths"
