#!/usr/bin/env bash
# `embargo check` and `embargo test`: no kernel, no root. Exit codes of
# SPEC §4 and the exact summary lines.
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

DEMO=policies/examples/demo.yaml
VENDOR_AGENT=${OUT:-build}/demo/vendor-agent

expect() { # expect NAME WANT_RC CMD...
	local name=$1 want=$2 rc out
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else bad "$name: exit $rc, want $want" "$out"; fi
}

out=$("$EMBARGO" check "$DEMO")
check "check: demo policy valid (exit 0)" test $? = 0
check "check: summary line" test "$out" = "$DEMO: ok: policy demo-banned-vendor, 1 vendor, 1 sha256, 2 connect rules"

sed 's/^enforce: SECRET/enforce: SECRETT/' "$DEMO" > "$T/bad.yaml"
line=$(grep -n '^enforce:' "$T/bad.yaml" | cut -d: -f1)
out=$("$EMBARGO" check "$DEMO" "$T/bad.yaml")
check "check: one bad file makes exit 1" test $? = 1
check "check: error names FILE:LINE:COL" grep -qxF "$T/bad.yaml:$line:10: unknown level 'SECRETT' for scheme uk-gsc" <<<"$out"
check "check: bad file summary" grep -qxF "$T/bad.yaml: invalid (1 error)" <<<"$out"
check "check: good file still reported ok" grep -qF "$DEMO: ok:" <<<"$out"
out=$("$EMBARGO" check "$DEMO" "$DEMO")
check "check: duplicate id across files is an error (exit $?)" grep -qF "duplicate policy id 'demo-banned-vendor'" <<<"$out"

P=(--policy "$DEMO")
expect "test: banned exec on SECRET -> deny" 10 "$EMBARGO" test "${P[@]}" --classification SECRET --exec "$VENDOR_AGENT"
expect "test: banned exec on OFFICIAL -> audit" 11 "$EMBARGO" test "${P[@]}" --classification OFFICIAL --exec "$VENDOR_AGENT"
expect "test: unbanned exec -> allow" 0 "$EMBARGO" test "${P[@]}" --classification SECRET --exec "$EMBARGO"
expect "test: banned v4 network -> deny" 10 "$EMBARGO" test "${P[@]}" --classification SECRET --connect 203.0.113.9:443
expect "test: banned v4 network, any port -> deny" 10 "$EMBARGO" test "${P[@]}" --classification TOP_SECRET --connect 203.0.113.9
expect "test: v4-mapped v6 of a banned v4 -> deny" 10 "$EMBARGO" test "${P[@]}" --classification SECRET --connect '[::ffff:203.0.113.9]:80'
expect "test: banned v6 port range, udp -> deny" 10 "$EMBARGO" test "${P[@]}" --classification SECRET --connect '[2001:db8:10::1]:8053/udp'
expect "test: v6 port outside the rule -> allow" 0 "$EMBARGO" test "${P[@]}" --classification SECRET --connect '[2001:db8:10::1]:22'
expect "test: other network -> allow" 0 "$EMBARGO" test "${P[@]}" --classification SECRET --connect 198.51.100.1:443
expect "test: banned network on OFFICIAL -> audit" 11 "$EMBARGO" test "${P[@]}" --classification OFFICIAL --connect 203.0.113.9:443
printf "scheme: uk-gsc\n" > "$T/unmarked.yaml"
expect "test: unmarked host -> allow" 0 "$EMBARGO" test "${P[@]}" --host "$T/unmarked.yaml" --connect 203.0.113.9:443
expect "test: bad endpoint -> usage error" 2 "$EMBARGO" test "${P[@]}" --classification SECRET --connect 203.0.113.9:99999
expect "test: both --exec and --connect -> usage error" 2 "$EMBARGO" test "${P[@]}" --exec /bin/true --connect 127.0.0.1
out=$("$EMBARGO" test "${P[@]}" --classification SECRET --connect 203.0.113.9:443)
check "test: names policy and vendor" test "$out" = "deny: connect 203.0.113.9:443 (host SECRET): policy demo-banned-vendor, vendor Example Vendor Ltd"
summary "cli check/test"
