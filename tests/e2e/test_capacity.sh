#!/usr/bin/env bash
# Verdict table capacity (issue 16 item 4), on a SECRET host, both
# `unverified` modes. An unprivileged user fills the clean table with 2,000
# empty *.so files (EMBARGO_CLEAN_ENTRIES=1000 stands for the 1M+ a real
# table holds; EMBARGO_LISTED_ENTRIES=4 for a full banned table):
#   - the running agent keeps enforcing: a new banned copy never runs (deny)
#     or is killed (allow), also when its verdict no longer fits the banned
#     table (a failed verdict write kills, or stays denied);
#   - a start with no pins over that index (a reboot) attaches and enforces:
#     the known-banned binary is killed, the banned endpoint refused, and
#     the log says the clean table is full;
#   - clean twins: the clean fixture indexed before the fill runs; a clean
#     file that found no room is unverified (denied under deny, runs under
#     allow).
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e capacity"
. tests/e2e/env.sh

chmod 755 "$T" "$T/bin"
mkdir -m 777 "$T/out"
mkdir "$T/bin/fill" && chown nobody:nogroup "$T/bin/fill"
cp "$FIX/netprobe" "$T/bin/netprobe"
VSHA=$(sha256 "$FIX/slowvictim")
# What the unprivileged steps run besides the fixtures (setpriv, sh, their
# loader and libraries) is indexed: under deny it must not be unverified.
ROOTS="$T/bin"
for f in $(command -v setpriv) /bin/sh; do
	ROOTS="$ROOTS, $(readlink -f "$f")"
	for l in $(ldd "$f" | grep -o '/[^ ]*'); do ROOTS="$ROOTS, $(readlink -f "$l")"; done
done

write_cap_host() {
	cat > "$T/host.yaml" <<YAML
scheme: uk-gsc
classification: SECRET
unverified: $1
scan:
  roots: [$ROOTS]
YAML
	cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-capacity
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $BANNED_SHA
      - $VSHA
    connect:
      - cidr: 127.0.0.2/32
        ports: [443]
        proto: tcp
YAML
}

# as_user CMD...: unprivileged, in the test cgroup (the agent's scope), with
# a marker; prints the exit status.
as_user() {
	rm -f "$T/out/marker"
	EMB_MARKER="$T/out/marker" EMB_SLEEP=3 in_cgroup "$CG" \
		setpriv --reuid nobody --regid nogroup --clear-groups "$@" >/dev/null 2>&1
	echo $?
}
ran() { [ -e "$T/out/marker" ] && echo yes || echo no; }

# expect_banned MODE NAME RC RAN: deny - never ran; allow - killed (137).
expect_banned() {
	if [ "$1" = deny ] && [ "$3" != 0 ] && [ "$4" = no ]; then
		ok "$1: $2 never ran (exit $3)"
	elif [ "$1" = allow ] && [ "$3" = 137 ]; then
		ok "$1: $2 killed (exit $3, ran: $4)"
	else
		bad "$1: $2" "exit $3, marker: $4"
	fi
}

stop_agent() {
	kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
	"$EMBARGO" unload --pin-dir "$PIN" --log "$LOG" >/dev/null 2>&1
}

export EMBARGO_CLEAN_ENTRIES=1000 EMBARGO_LISTED_ENTRIES=4
for mode in deny allow; do
	rm -rf "$T/state" "$T/bin/fill/"* "$T/bin"/new*
	: > "$LOG"
	write_cap_host "$mode"
	start_agent || { bad "agent starts ($mode)"; continue; }

	# The fill, by an unprivileged user, while the agent runs.
	in_cgroup "$CG" setpriv --reuid nobody --regid nogroup --clear-groups \
		sh -c 'cd "$0" && i=0; while [ $i -lt 2000 ]; do : > "lib$i.so"; i=$((i + 1)); done' \
		"$T/bin/fill"
	check "$mode: the fill is reported (clean table full)" \
		wait_for "$T/agent.err" "the clean verdict table \(emb_clean\) is full" 30
	rc=$(as_user "$T/bin/allowed")
	check "$mode: clean twin indexed before the fill runs (exit $rc)" [ "$rc" = 0 ]
	# Two new banned copies: the banned table (4) holds the 3 known inodes
	# and the first; the second's verdict cannot be written.
	for i in 1 2; do
		cp "$FIX/slowvictim" "$T/bin/new$i" && chmod 755 "$T/bin/new$i"
		rc=$(as_user "$T/bin/new$i")
		expect_banned "$mode" "new banned copy $i after the fill" "$rc" "$(ran)"
	done
	check "$mode: the banned verdict that did not fit is said" \
		wait_for "$T/agent.err" "the listed verdict table \(emb_listed\) is full" 10

	# A reboot: no pins, the index of 2,000+ files, a table of 1,000.
	kill "$AGENT_PID" && wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
	"$EMBARGO" unload --pin-dir "$PIN" --log "$LOG" >/dev/null 2>&1
	check "$mode: pins gone before the start" [ ! -e "$PIN" ]
	: > "$LOG"
	EMBARGO_LISTED_ENTRIES= start_agent || { bad "$mode: start over a full index"; continue; }
	check "$mode: start over a full index says the clean table is full" \
		grep -q "the clean verdict table (emb_clean) is full" "$T/agent.err"
	rc=$(as_user "$T/bin/banned")
	check "$mode: known-banned binary killed after the start (exit $rc, ran: $(ran))" \
		[ "$rc" = 137 ] && [ "$(ran)" = no ]
	check "$mode: banned endpoint refused after the start" \
		[ "$(in_cgroup "$CG" setpriv --reuid nobody --regid nogroup --clear-groups \
			"$T/bin/netprobe" tcp 127.0.0.2 443 2>&1)" = EPERM ]
	check "$mode: clean endpoint twin is not refused" \
		[ "$(in_cgroup "$CG" setpriv --reuid nobody --regid nogroup --clear-groups \
			"$T/bin/netprobe" tcp 127.0.0.3 443 2>&1)" != EPERM ]
	rc=$(as_user "$T/bin/allowed")
	check "$mode: clean twin runs after the start (exit $rc)" [ "$rc" = 0 ]
	# Room the rescan freed (files gone) is taken by 100 more; then a new
	# clean file finds none.
	wait_for "$T/agent.err" "index: [0-9]+ files, [0-9]+ hashed" 30
	in_cgroup "$CG" setpriv --reuid nobody --regid nogroup --clear-groups \
		sh -c 'cd "$0" && i=0; while [ $i -lt 100 ]; do : > "more$i.so"; i=$((i + 1)); done' \
		"$T/bin/fill"
	wait_for "$T/agent.err" "stays unverified \(" 30
	cp "$FIX/allowed" "$T/bin/new-clean" && chmod 755 "$T/bin/new-clean"
	sleep 0.5
	rc=$(as_user "$T/bin/new-clean")
	if [ "$mode" = deny ]; then
		check "deny: a clean file with no room is unverified: denied (exit $rc)" [ "$rc" != 0 ]
	else
		check "allow: a clean file with no room runs (exit $rc)" [ "$rc" = 0 ]
	fi
	cp "$FIX/slowvictim" "$T/bin/new3" && chmod 755 "$T/bin/new3"
	rc=$(as_user "$T/bin/new3")
	expect_banned "$mode" "new banned copy after the start" "$rc" "$(ran)"
	stop_agent
done
summary "e2e capacity"
