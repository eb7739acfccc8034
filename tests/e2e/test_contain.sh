#!/usr/bin/env bash
# Containment (embargo contain / release), no agent running: two network
# namespaces joined by a veth pair (documentation addresses, nothing in the
# host's own namespace), two TCP listeners on the far side. A process of the
# test cgroup streaming from the first stops receiving within 1 s of
# `contain --allow` naming only the second; the second keeps streaming; lo
# is untouched; new connections fail with EPERM; processes outside the
# cgroup are not affected; `release` restores the first; `unload` removes it.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e contain"
if ! command -v ip >/dev/null; then
	echo "e2e contain: skipped: needs ip (iproute2)"
	exit 0
fi
. tests/e2e/env.sh

NSC=emb-ctn-c-$$ # the client side: processes of the test cgroup run here
NSS=emb-ctn-s-$$ # the listeners
A=198.51.100.2   # first listener (cut by containment)
B=192.0.2.2      # second listener (allowed)
POL="$T/policies"
STATE="$T/state"

contain_cleanup() {
	local ns
	for ns in "$NSC" "$NSS"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
trap 'contain_cleanup; e2e_cleanup' EXIT

netns_setup() {
	ip netns add "$NSC" && ip netns add "$NSS" &&
		ip -n "$NSC" link add vc type veth peer name vs netns "$NSS" &&
		ip -n "$NSC" addr add 198.51.100.1/24 dev vc &&
		ip -n "$NSC" addr add 192.0.2.1/24 dev vc &&
		ip -n "$NSS" addr add "$A/24" dev vs &&
		ip -n "$NSS" addr add "$B/24" dev vs &&
		ip -n "$NSC" link set lo up && ip -n "$NSC" link set vc up &&
		ip -n "$NSS" link set lo up && ip -n "$NSS" link set vs up
}

# serve NS ADDR PORT NAME: a listener, outside the test cgroup.
serve() {
	(ip netns exec "$1" "$FIX/streamer" serve "$2" "$3" > "$T/$4.serve" 2>&1 &)
	wait_for "$T/$4.serve" '^listening$' 10
}

# recv ADDR PORT NAME: a streaming client in the test cgroup (client netns).
recv() {
	(in_cgroup "$CG" ip netns exec "$NSC" "$FIX/streamer" recv "$1" "$2" "$T/$3.count" \
		> "$T/$3.out" 2>&1 &)
	wait_for "$T/$3.out" '^connected$' 10
}

count() { cat "$T/$1.count" 2>/dev/null || echo 0; }
grows() {
	local a b
	a=$(count "$1")
	sleep 0.5
	b=$(count "$1")
	[ "$b" -gt "$a" ]
}
# stalled NAME: no byte arrived over one second.
stalled() {
	local a b
	a=$(count "$1")
	sleep 1
	b=$(count "$1")
	[ "$a" = "$b" ]
}
# grows_within NAME SECONDS
grows_within() {
	local a t=$(($2 * 10))
	a=$(count "$1")
	while [ $t -gt 0 ]; do
		[ "$(count "$1")" -gt "$a" ] && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

probe_in() { in_cgroup "$CG" ip netns exec "$NSC" "$FIX/netprobe" "$@" 2>&1; }
probe_out() { ip netns exec "$NSC" "$FIX/netprobe" "$@" 2>&1; }
expect() {
	local name=$1 want=$2 got=$3
	if [ "$got" = "$want" ]; then ok "$name"; else bad "$name" "want: $want"$'\n'"got:  $got"; fi
}

ctl() { "$EMBARGO" "$@" --policy-dir "$POL" --pin-dir "$PIN" --state-dir "$STATE" 2>&1; }

if ! netns_setup; then
	bad "network namespaces and veth pair"
	summary "e2e contain"
	exit 1
fi
serve "$NSS" "$A" 7001 a && serve "$NSS" "$B" 7002 b && serve "$NSC" 127.0.0.1 7003 lo ||
	bad "listeners start"
recv "$A" 7001 a && recv "$B" 7002 b && recv 127.0.0.1 7003 lo || bad "clients connect"
check "before: the first stream flows" grows a
check "before: the second stream flows" grows b
check "before: the loopback stream flows" grows lo

out=$(ctl contain --allow "$B/32:7002" --cgroup "$CG")
rc=$?
t0=$(date +%s%N)
expect "contain: exit 0 and says what it did" "0
embargo contain: wrote $POL/00-contain.yaml
embargo contain: allowed besides loopback: $B/32 port 7002 any
embargo contain: in force now (pins: $PIN/contain)
embargo contain: no agent pid file: the pins keep it in force" "$rc
$out"
expect "the containment policy file" "# Written by \`embargo contain\`; \`embargo release\` removes it.
embargo: 1
id: local-contain
title: Network containment (embargo contain)
contain:
  allow:
    - cidr: $B/32
      ports: [7002]" "$(cat "$POL/00-contain.yaml")"
expect "embargo check accepts the file" "$POL/00-contain.yaml: ok: containment policy local-contain, 1 allow rule" \
	"$("$EMBARGO" check "$POL/00-contain.yaml" 2>&1)"

# Within 1 s of the command, the established first stream stops.
left=$(( 1000000000 - ($(date +%s%N) - t0) ))
[ "$left" -gt 0 ] && sleep "0.$(printf '%09d' "$left")"
check "established connection to the first cut within 1 s" stalled a
check "established connection to the second keeps flowing" grows b
check "loopback stream untouched" grows lo
expect "new connect to the first: EPERM" EPERM "$(probe_in tcp "$A" 7001)"
expect "new connect to the first on an allowed port number: EPERM" EPERM "$(probe_in tcp "$A" 7002)"
expect "new connect to the second: ok" ok "$(probe_in tcp "$B" 7002)"
expect "second listener, other port: EPERM" EPERM "$(probe_in tcp "$B" 7001)"
expect "udp to the first: EPERM" EPERM "$(probe_in udp "$A" 7001)"
expect "loopback connect in the cgroup: not refused" ECONNREFUSED "$(probe_in tcp 127.0.0.1 9)"
expect "outside the cgroup: not contained" ok "$(probe_out tcp "$A" 7001)"
stats=$(bpftool -j map dump pinned "$PIN/contain/ctn_stats" 2>/dev/null)
check "drops and refusals counted per CPU" [ -n "$stats" ]

out=$(ctl contain --allow "$B/32:7002" --cgroup "$CG")
check "contain again: rules replaced in place (exit 0)" [ $? = 0 ]

out=$(ctl release)
rc=$?
expect "release: exit 0 and says what it did" "0
embargo release: removed $POL/00-contain.yaml
embargo release: containment off (pins: $PIN/contain)
embargo release: no agent pid file" "$rc
$out"
check "release: the file is gone" [ ! -e "$POL/00-contain.yaml" ]
expect "after release: new connect to the first: ok" ok "$(probe_in tcp "$A" 7001)"
check "after release: the first stream resumes (TCP retransmission, within 15 s)" grows_within a 15
check "after release: the second stream still flows" grows b

out=$(ctl release)
expect "release with nothing contained" "embargo release: no $POL/00-contain.yaml
embargo release: containment off (pins: $PIN/contain)
embargo release: no agent pid file" "$out"

out=$(ctl contain --allow "[2001:db8::1]:443" --allow "bogus" --cgroup "$CG")
rc=$?
expect "a bad --allow is refused, nothing written" "2
embargo contain: --allow 'bogus': invalid CIDR" "$rc
$out"
check "...and no file" [ ! -e "$POL/00-contain.yaml" ]
out=$(ctl contain --cgroup "$CG")
rc=$?
expect "contain without --allow is refused" "2
embargo contain: give at least one --allow (or --dns): with none, every connection but loopback is cut, your own remote session included" "$rc
$out"

printf 'nameserver 192.0.2.53\nnameserver 127.0.0.53\n' > "$T/resolv.conf"
out=$(ctl contain --dns --resolv-conf "$T/resolv.conf" --cgroup "$CG")
rc=$?
expect "contain --dns: the resolvers on port 53" "0
embargo contain: wrote $POL/00-contain.yaml
embargo contain: allowed besides loopback: 192.0.2.53/32 port 53 any (--dns)
embargo contain: in force now (pins: $PIN/contain)
embargo contain: no agent pid file: the pins keep it in force" "$rc
$out"
expect "contain --dns: the first is cut" EPERM "$(probe_in tcp "$A" 7001)"
"$EMBARGO" unload --pin-dir "$PIN" --log "$LOG" >/dev/null 2>&1
check "unload removes the containment pins" [ ! -e "$PIN/contain" ]
expect "after unload: new connect to the first: ok" ok "$(probe_in tcp "$A" 7001)"
summary "e2e contain"
