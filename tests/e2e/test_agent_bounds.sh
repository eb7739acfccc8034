#!/usr/bin/env bash
# Bounded hashing and files the agent cannot read (issue 16 items 6, 9, 11;
# issue 20 "scan never hangs"), on a SECRET host, attacks as nobody in the
# test cgroup. Two FUSE mounts served by nobody (tests/fixtures/fuse):
#   $T/fa  without allow_other: root (the agent) cannot open its files;
#          /exe is the banned forkvictim (payload 1.5 s after start);
#   $T/fb  with allow_other: /exe is the clean `allowed`, /block a file
#          whose read never returns.
#  9  deny: fa/exe never runs; allow: it is killed before its payload
#     ("treated as banned"); twin: fb/exe (clean, readable) runs.
#  6  allow: an executable mapping of fb/block and of a 15 TiB sparse file
#     is killed (over a bound = cannot be judged) and the agent keeps
#     serving: a new banned copy right after is killed, a new clean copy
#     runs.
# 11  an unhashable file exec'd in a loop gives at most ~1 unverified line
#     a second, the rest in a `lost` rate_limit line; hash requests lost
#     while the agent is stopped and fanotify overflows become `lost` lines.
# 20  `embargo scan` over fb (blocking read), the sparse file and a banned
#     copy ends, names each skip and its reason, and still finds the copy.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e agent bounds"
. tests/e2e/env.sh

BLOCKFS="$FIX/blockfs"
LDSO=$(readlink -f /lib64/ld-linux-x86-64.so.2)
SETPRIV=$(readlink -f "$(command -v setpriv)")
ROOTS="$T/bin, $LDSO, $SETPRIV"
for l in $(ldd "$SETPRIV" "$FIX/slowvictim" | awk '$3 ~ /^\// {print $3}' | sort -u); do
	ROOTS="$ROOTS, $(readlink -f "$l")"
done
for f in slowvictim forkvictim ptyattack execloop; do cp "$FIX/$f" "$T/bin/$f" 2>/dev/null; done
VSHA=$(sha256 "$FIX/slowvictim")
FSHA=$(sha256 "$FIX/forkvictim")
chmod 711 "$T"
mkdir -m 1777 "$T/m" "$T/u" "$T/fa" "$T/fb"
mount -t tmpfs -o mode=1777,size=64m embargo-e2e-bounds "$T/u"
cp "$FIX/forkvictim" "$T/fa.src"; cp "$FIX/allowed" "$T/fb.src"; chmod 644 "$T"/f?.src

SERVERS=()
# mount_blockfs SRC DIR [,allow_other]: root opens /dev/fuse and mounts
# (so no /dev/fuse permission is needed), nobody serves and owns the mount.
mount_blockfs() {
	local fd
	exec {fd}<>/dev/fuse || return 1
	mount -i -t fuse -o "fd=$fd,rootmode=40000,user_id=65534,group_id=65534$3" blockfs "$2" || return 1
	setpriv --reuid nobody --regid nogroup --clear-groups "$BLOCKFS" "$1" "/dev/fd/$fd" -f \
		> "$T/blockfs.log" 2>&1 &
	SERVERS+=($!)
	disown $!
	exec {fd}<&-
	for _ in $(seq 50); do
		setpriv --reuid nobody --regid nogroup --clear-groups test -e "$2/exe" && return 0
		sleep 0.1
	done
	return 1
}
bounds_cleanup() {
	[ -f "$CG/cgroup.procs" ] && while read -r p; do kill -9 "$p" 2>/dev/null; done < "$CG/cgroup.procs"
	for p in "${SERVERS[@]}"; do kill -9 "$p" 2>/dev/null; done
	umount -l "$T/fa" 2>/dev/null; umount -l "$T/fb" 2>/dev/null; umount -l "$T/u" 2>/dev/null
	e2e_cleanup
}
trap bounds_cleanup EXIT
mount_blockfs "$T/fa.src" "$T/fa" "" || { bad "FUSE mount fa"; summary "e2e agent bounds"; exit; }
mount_blockfs "$T/fb.src" "$T/fb" ",allow_other" || { bad "FUSE mount fb"; summary "e2e agent bounds"; exit; }
if ! head -c1 "$T/fa/exe" >/dev/null 2>&1; then ok "fa: root cannot read the user's FUSE file"; else bad "fa: root cannot read"; fi
truncate -s 15T "$T/u/huge" && chmod 755 "$T/u/huge"

write_bounds_host() {
	cat > "$T/host.yaml" <<YAML
scheme: uk-gsc
classification: SECRET
unverified: $1
scan:
  roots: [$ROOTS]
YAML
	cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-bounds
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $VSHA
      - $FSHA
YAML
}
start_bounds() { : > "$LOG"; start_agent; }
stop_agent() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null; AGENT_PID=; }
as_nobody() {
	rm -f "$T/m/marker"
	EMB_MARKER="$T/m/marker" EMB_SLEEP=3 in_cgroup "$CG" \
		setpriv --reuid nobody --regid nogroup --clear-groups "$@" >/dev/null 2>&1
	echo $?
}
ran() { [ -e "$T/m/marker" ]; }
# as_nobody_hashed FILE: a new clean file; under deny its first exec is
# refused and asks for the hash: try again (5 times, 0.3 s apart).
as_nobody_hashed() {
	local rc i
	for i in 1 2 3 4 5; do
		rc=$(as_nobody "$1")
		[ "$rc" = 0 ] && break
		sleep 0.3
	done
	echo "$rc"
}
new_copy() { cp "$1" "$T/u/$2" && chown nobody:nogroup "$T/u/$2" && chmod 755 "$T/u/$2"; }

for mode in deny allow; do
	rm -rf "$T/state"
	write_bounds_host "$mode"
	start_bounds || { bad "$mode: agent starts"; continue; }
	# item 9
	rc=$(as_nobody "$T/fa/exe"); sleep 2.5
	if [ "$mode" = deny ]; then
		if [ "$rc" != 0 ] && ! ran; then ok "deny: unreadable banned FUSE file never ran (exit $rc)"; else bad "deny: unreadable FUSE file" "exit $rc, marker: $(cat "$T/m/marker" 2>/dev/null)"; fi
	else
		if ! ran; then ok "allow: unreadable banned FUSE file killed before its payload (exit $rc)"; else bad "allow: unreadable FUSE file" "payload ran (exit $rc)"; fi
		check "allow: agent says it was treated as banned" grep -q "treated as banned" "$T/agent.err"
	fi
	rc=$(as_nobody_hashed "$T/fb/exe")
	check "$mode: clean twin on a readable FUSE mount runs (exit $rc)" [ "$rc" = 0 ]

	# item 6
	if [ "$mode" = allow ]; then
		t0=$(date +%s%N)
		rc=$(EMB_HOLD=8 as_nobody "$T/bin/ptyattack" mmap "$T/fb/block")
		t1=$(( ($(date +%s%N) - t0) / 1000000 ))
		check "allow: exec mapping of a file whose read blocks is killed (exit $rc, ${t1} ms)" [ "$rc" = 137 ]
		rc=$(EMB_HOLD=8 as_nobody "$T/bin/ptyattack" mmap "$T/u/huge")
		check "allow: exec mapping of a 15 TiB sparse file is killed (exit $rc)" [ "$rc" = 137 ]
		check "allow: the time bound is named" wait_for "$T/agent.err" "reading did not finish" 5
		check "allow: the size bound is named" wait_for "$T/agent.err" "larger than the hash bound" 5
	fi
	new_copy "$FIX/slowvictim" "after-$mode"
	rc=$(as_nobody "$T/u/after-$mode")
	if [ "$mode" = deny ]; then
		if [ "$rc" != 0 ] && ! ran; then ok "deny: a banned copy after the blocked read never ran (exit $rc)"; else bad "deny: banned copy after" "exit $rc"; fi
	else
		check "allow: a banned copy after the blocked read is killed (exit $rc)" [ "$rc" = 137 ]
	fi
	new_copy "$FIX/allowed" "clean-$mode"
	rc=$(as_nobody_hashed "$T/u/clean-$mode")
	check "$mode: a new clean file runs after the blocked read (exit $rc)" [ "$rc" = 0 ]

	# item 11 (deny): unverified lines per inode are rate-limited
	if [ "$mode" = deny ]; then
		: > "$LOG"
		t0=$(date +%s)
		for i in $(seq 60); do as_nobody "$T/fa/exe" >/dev/null; done
		secs=$(( $(date +%s) - t0 + 1 ))
		n=$(grep -c '"event":"unverified"' "$LOG")
		check "deny: 60 execs of an unhashable file in ${secs} s: $n unverified lines (<= $((secs + 2)))" [ "$n" -le $((secs + 2)) ]
		# hash requests lost while the agent cannot read them
		new_copy "$FIX/allowed" "lostreq"
		kill -STOP "$AGENT_PID"
		for i in $(seq 900); do as_nobody "$T/u/lostreq" >/dev/null; done
		# fanotify overflow: more writes than its queue holds (16384)
		mkdir "$T/bin/flood"; for i in $(seq 17000); do : > "$T/bin/flood/f$i"; done
		kill -CONT "$AGENT_PID"
		wait_for "$LOG" '"reason":"hash_requests"' 10
		check "deny: lost hash requests logged as a lost line" log_has '"event":"lost"' '"reason":"hash_requests"'
		wait_for "$LOG" '"reason":"fanotify_overflow"' 10
		check "deny: a fanotify overflow logged as a lost line" log_has '"event":"lost"' '"reason":"fanotify_overflow"'
		rm -rf "$T/bin/flood"
	fi
	stop_agent
	if [ "$mode" = deny ]; then
		check "deny: the held-back unverified lines are counted in a lost line" log_has '"event":"lost"' '"reason":"rate_limit"' '"what":"unverified'
	fi
done

# issue 20: scan never hangs
new_copy "$FIX/slowvictim" "scan-banned"
t0=$(date +%s)
EMBARGO_HASH_TIMEOUT_MS=2000 timeout 60 "$EMBARGO" scan --policy "$T/policy.yaml" "$T/fb" "$T/u" \
	> "$T/scan.out" 2> "$T/scan.err"
rc=$?
secs=$(( $(date +%s) - t0 ))
check "scan over a blocking FUSE file and a 15 TiB sparse file ends (exit $rc, ${secs} s)" [ "$rc" != 124 ]
check "scan still finds the banned copy (exit 10)" [ "$rc" = 10 ]
check "scan names the blocked file and why" grep -q "fb/block: skipped: reading did not finish" "$T/scan.err"
check "scan names the sparse file and why" grep -q "u/huge: skipped: larger than the hash bound" "$T/scan.err"
summary "e2e agent bounds"
