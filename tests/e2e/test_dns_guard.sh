#!/usr/bin/env bash
# connect[].host rules cannot be turned against the host: a local DNS
# server (tests/e2e/dns_responder.py, on an address of the test's own
# network namespace, named by that namespace's resolv.conf) answers the
# banned name with loopback, the resolver itself, the host's own address
# and a link-local address besides one real vendor address. The agent, run
# in that namespace, bans only the vendor address, logs a "dns" refusal for
# each of the others, and DNS keeps working for the test cgroup. A junk
# answer of 40 addresses bans the first 32 only. A reload keeps the bans.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e dns guard"
if ! command -v ip >/dev/null || ! command -v python3 >/dev/null; then
	echo "e2e dns guard: skipped: needs ip (iproute2) and python3"
	exit 0
fi
. tests/e2e/env.sh

NS=emb-dns-$$
RESOLVER=192.0.2.53 OWN=192.0.2.77 VENDOR=198.51.100.9
dns_cleanup() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "/etc/netns/$NS"
}
trap 'e2e_cleanup; dns_cleanup' EXIT

mkdir -p "/etc/netns/$NS" && echo "nameserver $RESOLVER" > "/etc/netns/$NS/resolv.conf"
ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip -n "$NS" addr add "$RESOLVER/32" dev lo && ip -n "$NS" addr add "$OWN/32" dev lo ||
	{ bad "netns setup"; summary "e2e dns guard"; exit 1; }
junk=$(seq -s, -f '203.0.113.%g' 1 40)
(ip netns exec "$NS" python3 tests/e2e/dns_responder.py "$RESOLVER" 53 "$T/dns.ready" \
	"vendor.test=127.0.0.53,$RESOLVER,$OWN,169.254.1.1,$VENDOR" "junk.test=$junk" \
	"other.test=192.0.2.99" > "$T/dns.log" 2>&1 &)
wait_for "$T/dns.ready" ready 10 || { bad "dns responder starts" "$(cat "$T/dns.log")"; summary "e2e dns guard"; exit 1; }

write_host SECRET
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-dns
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    connect:
      - host: vendor.test
      - host: junk.test
YAML
# The agent in the netns with its resolv.conf, but the host's /sys (bpffs,
# cgroup2), which `ip netns exec` would hide: nsenter + a private mount ns.
echo "nameserver $RESOLVER" > "$T/resolv.conf"
nsenter --net="/run/netns/$NS" unshare --mount --propagation private sh -c \
	'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$T/resolv.conf" \
	"$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$LOG" \
	--pin-dir "$PIN" --cgroup "$CG" --state-dir "$T/state" 2> "$T/agent.err" &
AGENT_PID=$!
wait_for "$LOG" '"event":"policy","action":"loaded"' 60 ||
	{ bad "agent starts" "$(cat "$T/agent.err")"; summary "e2e dns guard"; exit 1; }
ok "agent starts in the test netns"

# nsprobe tcp|udp ADDR PORT: netprobe as nobody, test cgroup, test netns.
nsprobe() {
	in_cgroup "$CG" ip netns exec "$NS" setpriv --reuid nobody --regid nogroup --clear-groups \
		"$FIX/netprobe" "$@" 2>&1
}
expect() {
	local want=$1 what=$2 got
	shift 2
	got=$(nsprobe "$@")
	case "$want:$got" in
	EPERM:EPERM | "not EPERM:"*) [ "$want:$got" != "not EPERM:EPERM" ] && ok "$what: $* -> $got" && return ;;
	esac
	bad "$what: $* -> $want" "got: $got"
}
expect EPERM "the vendor address from DNS is banned" tcp $VENDOR 443
expect "not EPERM" "the resolver stays reachable" udp $RESOLVER 53
expect "not EPERM" "loopback stays reachable" udp 127.0.0.53 53
expect "not EPERM" "the host's own address stays reachable" udp $OWN 53
expect "not EPERM" "link-local stays reachable" udp 169.254.1.1 53
got=$(in_cgroup "$CG" ip netns exec "$NS" setpriv --reuid nobody --regid nogroup --clear-groups \
	getent ahostsv4 other.test 2>&1 | head -n1)
check "the host's DNS still answers the test cgroup ($got)" grep -q '^192.0.2.99 ' <<<"$got"
expect EPERM "junk: the 32nd address is banned" tcp 203.0.113.32 443
expect "not EPERM" "junk: the 33rd is not (cap)" tcp 203.0.113.33 443

for a in "127.0.0.53:loopback" "$RESOLVER:the host's resolver" "$OWN:the host's own address" \
	"169.254.1.1:link-local"; do
	check "dns refusal logged for ${a%%:*} (${a#*:})" log_has '"event":"dns","action":"refused"' \
		'"host":"vendor.test"' "\"daddr\":\"${a%%:*}\"" "\"reason\":\"${a#*:}\""
done
check "dns refusal logged for the junk beyond the cap" log_has '"event":"dns","action":"refused"' \
	'"host":"junk.test"' '"daddr":"203.0.113.40"' 'more addresses than a name may ban'
check "a vendor address is not refused" bash -c "! grep -q '\"event\":\"dns\".*\"daddr\":\"$VENDOR\"' '$LOG'"
n=$(grep -c '"event":"dns"' "$LOG")
check "each refusal logged once ($n lines: 4 + 8)" [ "$n" = 12 ]

kill -HUP "$AGENT_PID"
wait_for "$LOG" '"reloaded"|"event":"policy","action":"loaded".*' 10
sleep 1
expect EPERM "after a reload the DNS ban stays" tcp $VENDOR 443
expect "not EPERM" "after a reload the resolver stays reachable" udp $RESOLVER 53
summary "e2e dns guard"
