#!/usr/bin/env bash
# Traffic the connect/sendmsg hooks never see: an unprivileged ICMP ping
# socket (sendto() without connect()) and a raw ICMP socket. Their packets
# to a banned prefix are dropped by the cgroup egress program with a
# "packet" event; the same probe to a clean address gets its reply. All in
# a network namespace of the test's own (addresses on its lo), from the
# test cgroup; ping runs as nobody (ping_group_range set in that netns
# only), raw as root (it needs CAP_NET_RAW).
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e packet"
if ! command -v ip >/dev/null; then
	echo "e2e packet: skipped: needs ip (iproute2)"
	exit 0
fi
. tests/e2e/env.sh

NS=emb-pkt-$$
trap 'ip netns del "$NS" 2>/dev/null; e2e_cleanup' EXIT
BAN4=198.51.100.7 CLEAN4=192.0.2.7 BAN6=2001:db8:18::7 CLEAN6=2001:db8:19::7

ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip -n "$NS" addr add "$BAN4/32" dev lo && ip -n "$NS" addr add "$CLEAN4/32" dev lo &&
	ip -n "$NS" addr add "$BAN6/128" dev lo nodad && ip -n "$NS" addr add "$CLEAN6/128" dev lo nodad &&
	ip netns exec "$NS" sysctl -q -w net.ipv4.ping_group_range="0 2147483647" ||
	{ bad "netns setup"; summary "e2e packet"; exit 1; }

# in_ns [nobody] CMD...: CMD in the test netns and cgroup.
in_ns() {
	if [ "$1" = nobody ]; then
		shift
		set -- setpriv --reuid nobody --regid nogroup --clear-groups "$@"
	fi
	in_cgroup "$CG" ip netns exec "$NS" "$@" 2>/dev/null
}
# Before the agent: every probe gets its reply (so a drop below is ours).
for a in $BAN4 $CLEAN4 $BAN6 $CLEAN6; do
	got=$(in_ns nobody "$FIX/pingprobe" ping "$a")
	[ "$got" = reply ] || bad "ping $a answers before the agent" "got: $got"
done

write_host SECRET
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-packet
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    connect:
      - cidr: 198.51.100.0/24
      - cidr: 2001:db8:18::/48
YAML
start_agent || { bad "agent starts"; summary "e2e packet"; exit 1; }

expect() {
	local want=$1 what=$2 got
	shift 2
	got=$(in_ns "$@")
	case "$want:$got" in
	reply:reply | dropped:timeout | dropped:EPERM) ok "$what -> $got" ;;
	*) bad "$what -> $want" "got: $got" ;;
	esac
}
expect dropped "ping socket (nobody) to banned $BAN4" nobody "$FIX/pingprobe" ping $BAN4
expect reply "ping socket (nobody) to clean $CLEAN4" nobody "$FIX/pingprobe" ping $CLEAN4
expect dropped "ping socket (nobody) to banned $BAN6" nobody "$FIX/pingprobe" ping $BAN6
expect reply "ping socket (nobody) to clean $CLEAN6" nobody "$FIX/pingprobe" ping $CLEAN6
expect dropped "raw socket to banned $BAN4" "$FIX/pingprobe" raw $BAN4
expect reply "raw socket to clean $CLEAN4" "$FIX/pingprobe" raw $CLEAN4
expect dropped "raw socket to banned $BAN6" "$FIX/pingprobe" raw $BAN6
expect reply "raw socket to clean $CLEAN6" "$FIX/pingprobe" raw $CLEAN6
# TCP and UDP sockets stay with connect/sendmsg (EPERM at the call).
got=$(in_ns nobody "$FIX/netprobe" udp $BAN4 53)
check "udp sendto to banned still EPERM at the call (got $got)" [ "$got" = EPERM ]

wait_for "$LOG" '"event":"packet".*"socket":"raw".*"daddr":"2001:db8:18::7"|"event":"packet".*"daddr":"2001:db8:18::7".*"socket":"raw"' 5
check "packet event for the ping socket" log_has '"event":"packet","action":"deny","method":"drop"' \
	'"policy":"e2e-packet"' "\"daddr\":\"$BAN4\"" '"proto":"icmp"' '"socket":"dgram"' \
	"\"uid\":$(id -u nobody)" "\"exe\":\"$FIX/pingprobe\""
check "packet event for the raw socket" log_has '"event":"packet","action":"deny"' \
	"\"daddr\":\"$BAN4\"" '"proto":"icmp"' '"socket":"raw"' '"uid":0'
check "packet event for ICMPv6" log_has '"event":"packet","action":"deny"' "\"daddr\":\"$BAN6\"" '"proto":"icmpv6"'
check "no packet event for the clean addresses" bash -c "! grep -qE '\"daddr\":\"($CLEAN4|$CLEAN6)\"' '$LOG'"
check "no packet event for the udp socket" bash -c "! grep -q '\"event\":\"packet\".*\"proto\":\"udp\"' '$LOG'"
out=$("$EMBARGO" log --log "$LOG" 2>&1 | grep -m1 ' packet ')
check "embargo log shows the packet line ($out)" grep -qF "[$BAN6]/icmpv6" <<<"$("$EMBARGO" log --log "$LOG")"
summary "e2e packet"
