#!/usr/bin/env bash
# A banned IPv4 prefix is banned in every IPv6 form that carries it:
# IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96, 64:ff9b:1::/48 in both
# layouts) and 6to4. Each form of a banned address (198.51.100.7) gets EPERM
# from connect() and from an unconnected sendto(); the same form of a clean
# address (192.0.2.7) reaches the listener-less loopback of the test's own
# network namespace (ECONNREFUSED / ok). Run as nobody in the test cgroup.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e encap"
if ! command -v ip >/dev/null; then
	echo "e2e encap: skipped: needs ip (iproute2)"
	exit 0
fi
. tests/e2e/env.sh

NS=emb-encap-$$
trap 'ip netns del "$NS" 2>/dev/null; e2e_cleanup' EXIT

# form BANNED|CLEAN NAME: the IPv6 address of that form.
declare -A BANNED=(
	[mapped]=::ffff:198.51.100.7 [compatible]=::198.51.100.7
	[nat64]=64:ff9b::198.51.100.7 [nat64-local-48]=64:ff9b:1:c633:64:700::
	[nat64-local-96]=64:ff9b:1::198.51.100.7 [6to4]=2002:c633:6407::1
)
declare -A CLEAN=(
	[mapped]=::ffff:192.0.2.7 [compatible]=::192.0.2.7
	[nat64]=64:ff9b::192.0.2.7 [nat64-local-48]=64:ff9b:1:c000:2:700::
	[nat64-local-96]=64:ff9b:1::192.0.2.7 [6to4]=2002:c000:207::1
)

ip netns add "$NS" && ip -n "$NS" link set lo up || { bad "netns setup"; summary "e2e encap"; exit 1; }
ip -n "$NS" addr add 198.51.100.7/32 dev lo && ip -n "$NS" addr add 192.0.2.7/32 dev lo
for f in "${!BANNED[@]}"; do
	[ "$f" = mapped ] && continue
	ip -n "$NS" addr add "${BANNED[$f]}/128" dev lo nodad &&
		ip -n "$NS" addr add "${CLEAN[$f]}/128" dev lo nodad ||
		bad "address of $f on lo"
done

write_host SECRET
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-encap
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    connect:
      - cidr: 198.51.100.0/24
YAML
start_agent || { bad "agent starts"; summary "e2e encap"; exit 1; }

# nsprobe tcp|udp ADDR PORT: netprobe as nobody, test cgroup, test netns.
nsprobe() {
	in_cgroup "$CG" ip netns exec "$NS" setpriv --reuid nobody --regid nogroup --clear-groups \
		"$FIX/netprobe" "$@" 2>&1
}
expect() {
	local want=$1 what=$2 got
	shift 2
	got=$(nsprobe "$@")
	if [ "$got" = "$want" ]; then ok "$what: $* -> $want"; else bad "$what: $* -> $want" "got: $got"; fi
}

expect EPERM "IPv4" tcp 198.51.100.7 443
expect ECONNREFUSED "IPv4 clean twin" tcp 192.0.2.7 443
for f in mapped compatible nat64 nat64-local-48 nat64-local-96 6to4; do
	expect EPERM "$f" tcp "${BANNED[$f]}" 443
	expect ECONNREFUSED "$f clean twin" tcp "${CLEAN[$f]}" 443
done
expect EPERM "nat64 sendto" udp "${BANNED[nat64]}" 53
expect ok "nat64 sendto clean twin" udp "${CLEAN[nat64]}" 53
expect EPERM "6to4 sendto" udp "${BANNED[6to4]}" 53
expect ok "6to4 sendto clean twin" udp "${CLEAN[6to4]}" 53

sleep 0.5
check "deny line names the IPv6 address as called" log_has '"event":"connect","action":"deny"' \
	'"policy":"e2e-encap"' '"daddr":"64:ff9b::c633:6407"' '"dport":443'
check "sendmsg deny line for 6to4" log_has '"event":"sendmsg","action":"deny"' '"daddr":"2002:c633:6407::1"'
summary "e2e encap"
