#!/usr/bin/env bash
# The agent as a target (issue 16 items 5, 7, 8), on a SECRET host, every
# attack step as nobody in the test cgroup (the agent's scope):
#  5  the agent (a session leader without a tty, as under systemd) is fed a
#     pty slave through the fd walk (mmap) and through a path swapped for a
#     symlink to it (exec); ^C and ^\ on the master must not stop it, it
#     must have no controlling tty, and a banned copy is still denied.
#  7  `unverified: deny` holds while the agent is down: after kill -9 (past
#     the 5 s heartbeat) and at once after SIGTERM, a new copy of banned
#     content never runs; `unverified_when_down: allow` lets a new clean
#     file run instead (the twin that shows the key and the hold are real).
#  8  `unverified: allow`: a banned program that forks at once has its
#     child killed too (the child's payload marker never appears).
# Clean twins: an indexed clean program runs in each state.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e agent target"
. tests/e2e/env.sh

LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
SETPRIV=$(readlink -f "$(command -v setpriv)")
ROOTS="$T/bin, $LDSO, $SETPRIV"
for l in $(ldd "$SETPRIV" "$FIX/slowvictim" | awk '$3 ~ /^\// {print $3}' | sort -u); do
	ROOTS="$ROOTS, $(readlink -f "$l")"
done
for f in slowvictim forkvictim ptyattack; do cp "$FIX/$f" "$T/bin/$f"; done
VSHA=$(sha256 "$FIX/slowvictim")
FSHA=$(sha256 "$FIX/forkvictim")
chmod 711 "$T"
mkdir -m 1777 "$T/m"
# nobody's new copies: outside the roots, on a tmpfs of their own that no
# fanotify mark covers, so they stay unverified until executed.
mkdir -m 1777 "$T/u"
mount -t tmpfs -o mode=1777,size=64m embargo-e2e-target "$T/u"
target_cleanup() {
	# Our fixtures (setsid'd children too) are all in the test cgroup.
	[ -f "$CG/cgroup.procs" ] && while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"
	umount -l "$T/u" 2>/dev/null
	e2e_cleanup
}
trap target_cleanup EXIT

write_target_host() { # MODE [DOWN]
	{
		echo "scheme: uk-gsc"
		echo "classification: SECRET"
		echo "unverified: $1"
		[ -n "${2:-}" ] && echo "unverified_when_down: $2"
		echo "scan:"
		echo "  roots: [$ROOTS]"
	} > "$T/host.yaml"
	cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-target
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $VSHA
      - $FSHA
YAML
}

# A session leader with no tty and stdin /dev/null, as systemd starts it.
start_leader() {
	: > "$LOG"
	setsid "$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$LOG" \
		--pin-dir "$PIN" --cgroup "$CG" --state-dir "$T/state" < /dev/null 2>> "$T/agent.err" &
	AGENT_PID=$!
	wait_for "$LOG" '"event":"policy","action":"loaded"' 60 || { cat "$T/agent.err"; return 1; }
}

stop_agent() {
	[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
}

# as_nobody CMD...: in the test cgroup as nobody, marker in $T/m; prints rc.
as_nobody() {
	rm -f "$T/m/marker"
	EMB_MARKER="$T/m/marker" EMB_SLEEP=3 in_cgroup "$CG" \
		setpriv --reuid nobody --regid nogroup --clear-groups "$@" >/dev/null 2>&1
	echo $?
}
ran() { [ -e "$T/m/marker" ]; }

# new_copy SRC NAME: a fresh (unverified) copy owned by nobody.
new_copy() {
	cp "$1" "$T/u/$2" && chown nobody:nogroup "$T/u/$2" && chmod 755 "$T/u/$2"
}

# expect_never_ran LABEL RC
expect_never_ran() {
	if [ "$2" != 0 ] && ! ran; then ok "$1 never ran (exit $2)"; else bad "$1 never ran" "exit $2, marker: $(cat "$T/m/marker" 2>/dev/null)"; fi
}

# EMB_TARGET_ITEMS: the items to run (all by default), e.g. to try one
# against an older build.
ITEMS=" ${EMB_TARGET_ITEMS:-5 7 8} "
want() { [[ $ITEMS == *" $1 "* ]]; }

# ---- item 5: controlling-tty takeover -------------------------------------
want 5 && for mode in deny allow; do
	rm -rf "$T/state"; : > "$LOG"
	write_target_host "$mode"
	start_leader || { bad "$mode: agent starts"; continue; }
	sid=$(awk '{print $6}' "/proc/$AGENT_PID/stat")
	check "$mode: agent is a session leader (sid $sid = pid $AGENT_PID)" [ "$sid" = "$AGENT_PID" ]
	rc=$(as_nobody "$T/bin/allowed")
	check "$mode: clean twin runs as nobody (exit $rc)" [ "$rc" = 0 ]
	new_copy "$FIX/allowed" "bait-$mode"
	rc=$(as_nobody "$T/bin/ptyattack" mmap "$T/u/bait-$mode")
	echo "       ptyattack mmap: exit $rc"
	new_copy "$FIX/allowed" "swap-$mode"
	rc=$(as_nobody "$T/bin/ptyattack" exec "$T/u/swap-$mode")
	echo "       ptyattack exec: exit $rc"
	sleep 0.5
	check "$mode: agent alive after ^C/^\\ on the pty" kill -0 "$AGENT_PID"
	tty=$(awk '{print $7}' "/proc/$AGENT_PID/stat" 2>/dev/null)
	check "$mode: agent has no controlling tty (tty_nr ${tty:-gone})" [ "$tty" = 0 ]
	new_copy "$FIX/slowvictim" "banned-$mode"
	rc=$(as_nobody "$T/u/banned-$mode")
	if [ "$mode" = deny ]; then expect_never_ran "deny: banned copy after the attack" "$rc"
	else check "allow: banned copy after the attack killed (exit $rc)" [ "$rc" = 137 ]; fi
	stop_agent
done

# ---- item 8: unverified allow kills every task of the banned image --------
if want 8; then
rm -rf "$T/state"; : > "$LOG"
write_target_host allow
start_leader || bad "allow: agent starts (fork)"
for i in 1 2 3; do
	new_copy "$FIX/forkvictim" "fork$i"
	rc=$(as_nobody "$T/u/fork$i")
	sleep 2.5   # past the child's 1.5 s payload delay
	if ran; then bad "allow: forked child of banned copy $i killed" "payload ran: $(cat "$T/m/marker")"
	else ok "allow: forked child of banned copy $i killed before its payload (parent exit $rc)"; fi
done
left=0
for p in $(cat "$CG/cgroup.procs"); do
	case $(readlink "/proc/$p/exe" 2>/dev/null) in "$T/u/fork"*) left=$((left + 1));; esac
done
check "allow: no task of the banned image left ($left)" [ "$left" = 0 ]
check "allow: kill line names the forking image's sha256" log_has '"action":"kill"' "\"sha256\":\"$FSHA\""
rc=$(as_nobody "$T/bin/allowed")
check "allow: clean twin runs (exit $rc)" [ "$rc" = 0 ]
stop_agent
fi

# ---- item 7: deny holds while the agent is down ---------------------------
if want 7; then
rm -rf "$T/state"; : > "$LOG"
write_target_host deny
start_leader || bad "deny: agent starts (hold)"
kill -9 "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; AGENT_PID=
sleep 6   # past EMB_HEARTBEAT_STALE_NS
new_copy "$FIX/slowvictim" "down1"
rc=$(as_nobody "$T/u/down1")
expect_never_ran "deny, agent killed -9 for 6 s: new banned copy" "$rc"
new_copy "$FIX/allowed" "down1-clean"
rc=$(as_nobody "$T/u/down1-clean")
check "deny, agent down: a new clean file is held too (exit $rc)" [ "$rc" != 0 ]
rc=$(as_nobody "$T/bin/allowed")
check "deny, agent down: indexed clean twin runs (exit $rc)" [ "$rc" = 0 ]
start_leader || bad "deny: agent restarts over held pins"
rc=$(as_nobody "$T/u/down1-clean")
[ "$rc" != 0 ] && rc=$(as_nobody "$T/u/down1-clean")   # hashed on the first try
check "deny, agent back: the new clean file runs once hashed (exit $rc)" [ "$rc" = 0 ]
stop_agent   # SIGTERM
new_copy "$FIX/slowvictim" "down2"
rc=$(as_nobody "$T/u/down2")
expect_never_ran "deny, at once after SIGTERM: new banned copy" "$rc"
sleep 5.5
new_copy "$FIX/slowvictim" "down3"
rc=$(as_nobody "$T/u/down3")
expect_never_ran "deny, 5.5 s after SIGTERM: new banned copy" "$rc"

# The key: unverified_when_down: allow (a site's choice) lets unknown files run.
write_target_host deny allow
start_leader || bad "deny+down-allow: agent starts"
stop_agent
new_copy "$FIX/allowed" "down4-clean"
rc=$(as_nobody "$T/u/down4-clean")
check "unverified_when_down: allow: a new clean file runs after SIGTERM (exit $rc)" [ "$rc" = 0 ]
fi
summary "e2e agent target"
