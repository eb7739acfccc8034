#!/usr/bin/env bash
# `embargo check` and `embargo test`: no kernel, no root. Exit codes of
# contract.md §4 and the exact summary lines.
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
for a in '[::203.0.113.9]' '[64:ff9b::203.0.113.9]' '[64:ff9b:1:cb00:71:900::]' '[64:ff9b:1::cb00:7109]' '[2002:cb00:7109::1]'; do
	expect "test: $a carries a banned v4 -> deny" 10 "$EMBARGO" test "${P[@]}" --classification SECRET --connect "$a:443"
done
for a in '[::198.51.100.1]' '[64:ff9b::198.51.100.1]' '[64:ff9b:1::c633:6401]' '[2002:c633:6401::1]' '[2001:cb00:7109::1]'; do
	expect "test: $a carries a clean v4 (or none) -> allow" 0 "$EMBARGO" test "${P[@]}" --classification SECRET --connect "$a:443"
done
expect "test: banned v6 port range, udp -> deny" 10 "$EMBARGO" test "${P[@]}" --classification SECRET --connect '[2001:db8:10::1]:8053/udp'
expect "test: v6 port outside the rule -> allow" 0 "$EMBARGO" test "${P[@]}" --classification SECRET --connect '[2001:db8:10::1]:22'
expect "test: other network -> allow" 0 "$EMBARGO" test "${P[@]}" --classification SECRET --connect 198.51.100.1:443
expect "test: banned network on OFFICIAL -> audit" 11 "$EMBARGO" test "${P[@]}" --classification OFFICIAL --connect 203.0.113.9:443
printf "scheme: uk-gsc\n" > "$T/unmarked.yaml"
expect "test: unmarked host -> allow" 0 "$EMBARGO" test "${P[@]}" --host "$T/unmarked.yaml" --connect 203.0.113.9:443
# The unverified mode the kernel would apply, from compile.c: allow by
# default, deny when the host asks for it and a rule denies here, off
# without a file rule in force.
out=$("$EMBARGO" test "${P[@]}" --classification SECRET --exec "$VENDOR_AGENT")
check "test: says unverified allow by default" grep -qxF "unverified: allow (a file not hashed yet, once the index is complete)" <<<"$out"
printf "scheme: uk-gsc\nclassification: SECRET\nunverified: deny\n" > "$T/unv.yaml"
out=$("$EMBARGO" test "${P[@]}" --host "$T/unv.yaml" --exec "$VENDOR_AGENT")
check "test: says unverified deny when the host asks" grep -qxF "unverified: deny (a file not hashed yet, once the index is complete)" <<<"$out"
out=$("$EMBARGO" test "${P[@]}" --host "$T/unmarked.yaml" --exec "$VENDOR_AGENT")
check "test: says unverified off on an unmarked host" grep -qxF "unverified: off (a file not hashed yet, once the index is complete)" <<<"$out"
expect "test: bad endpoint -> usage error" 2 "$EMBARGO" test "${P[@]}" --classification SECRET --connect 203.0.113.9:99999
expect "test: both --exec and --connect -> usage error" 2 "$EMBARGO" test "${P[@]}" --exec /bin/true --connect 127.0.0.1
out=$("$EMBARGO" test "${P[@]}" --classification SECRET --connect 203.0.113.9:443)
check "test: names policy and vendor" test "$out" = "deny: connect 203.0.113.9:443 (host SECRET): policy demo-banned-vendor, vendor Example Vendor Ltd"
# enforce_from: a date in the past enforces, one far in the future audits.
sed 's/^audit: OFFICIAL/audit: OFFICIAL\nenforce_from: 2017-12-12/' "$DEMO" > "$T/past.yaml"
sed 's/^audit: OFFICIAL/audit: OFFICIAL\nenforce_from: 9999-12-31/' "$DEMO" > "$T/future.yaml"
expect "test: enforce_from in the past, SECRET -> deny" 10 "$EMBARGO" test --policy "$T/past.yaml" --classification SECRET --exec "$VENDOR_AGENT"
expect "test: enforce_from far ahead, SECRET -> audit" 11 "$EMBARGO" test --policy "$T/future.yaml" --classification SECRET --exec "$VENDOR_AGENT"
expect "test: enforce_from far ahead, network -> audit" 11 "$EMBARGO" test --policy "$T/future.yaml" --classification SECRET --connect 203.0.113.9:443
expect "test: enforce_from far ahead, OFFICIAL -> audit" 11 "$EMBARGO" test --policy "$T/future.yaml" --classification OFFICIAL --exec "$VENDOR_AGENT"
sed 's/^audit: OFFICIAL/audit: OFFICIAL\nenforce_from: 2017-02-30/' "$DEMO" > "$T/baddate.yaml"
line=$(grep -n '^enforce_from:' "$T/baddate.yaml" | cut -d: -f1)
out=$("$EMBARGO" check "$T/baddate.yaml")
check "check: bad date is an error (exit $?)" grep -qxF "$T/baddate.yaml:$line:15: bad date '2017-02-30': not a calendar date" <<<"$out"

# paths: a glob bans a file by where it is; the hash still decides first.
R=$(realpath "$T")
mkdir -p "$R/vendor/bin"
cp /bin/true "$R/vendor/bin/agent"
printf '%s\n' 'embargo: 1' 'id: path-ban' 'scheme: uk-gsc' 'enforce: SECRET' 'audit: OFFICIAL' \
	'vendors:' '  - name: Path Vendor' "    paths: ['$R/vendor/**']" > "$T/paths.yaml"
out=$("$EMBARGO" check "$T/paths.yaml")
check "check: path glob policy summary" test "$out" = "$T/paths.yaml: ok: policy path-ban, 1 vendor, 0 sha256, 0 connect rules, 1 path glob"
expect "test: exec under a banned glob -> deny" 10 "$EMBARGO" test --policy "$T/paths.yaml" --classification SECRET --exec "$R/vendor/bin/agent"
expect "test: exec under a banned glob, OFFICIAL -> audit" 11 "$EMBARGO" test --policy "$T/paths.yaml" --classification OFFICIAL --exec "$R/vendor/bin/agent"
expect "test: exec outside the glob -> allow" 0 "$EMBARGO" test --policy "$T/paths.yaml" --classification SECRET --exec /bin/true
out=$(cd "$R/vendor" && "$EMBARGO" test --policy "$T/paths.yaml" --classification SECRET --exec bin/agent)
check "test: glob match reported, relative path canonicalised" grep -qE "^deny: exec bin/agent \(sha256 [0-9a-f]{64}\) \(host SECRET\): policy path-ban, vendor Path Vendor, path glob $R/vendor/\*\*\$" <<<"$out"
sed "s|^    paths: .*|    paths: ['/opt/[x']|" "$T/paths.yaml" > "$T/badglob.yaml"
out=$("$EMBARGO" check "$T/badglob.yaml")
check "check: bad glob is an error (exit $?)" grep -qxF "$T/badglob.yaml:8:13: bad glob '/opt/[x': unclosed '['" <<<"$out"

# Containment policies: validated by check; enforcing anywhere, no vendor rules.
printf '%s\n' 'embargo: 1' 'id: ir-contain-2026-11-23' 'contain:' '  allow:' '    - cidr: 192.0.2.10/32' \
	'      ports: [22, 443]' '    - cidr: 2001:db8::/32' > "$T/contain.yaml"
out=$("$EMBARGO" check "$T/contain.yaml")
check "check: containment policy (exit $?)" test "$out" = "$T/contain.yaml: ok: containment policy ir-contain-2026-11-23, 2 allow rules"
printf 'embargo: 1\nid: c\ncontain:\n  allow: []\nvendors: []\n' > "$T/badcontain.yaml"
out=$("$EMBARGO" check "$T/badcontain.yaml")
check "check: vendors in a containment policy is an error (exit $?)" grep -qxF "$T/badcontain.yaml:5:1: key 'vendors' is not allowed in a containment policy" <<<"$out"
expect "test: containment beside the demo, demo still denies" 10 "$EMBARGO" test "${P[@]}" --policy "$T/contain.yaml" --classification SECRET --exec "$VENDOR_AGENT"

# Custom schemes from the host tag.
printf 'scheme: acme\nclassification: RESTRICTED\nschemes:\n  acme: [PUBLIC, INTERNAL, RESTRICTED]\n' > "$T/acme-host.yaml"
sed 's/^scheme: uk-gsc/scheme: acme/; s/^enforce: SECRET/enforce: RESTRICTED/; s/^audit: OFFICIAL/audit: INTERNAL/' "$DEMO" > "$T/acme.yaml"
sline=$(grep -n '^scheme:' "$T/acme.yaml" | cut -d: -f1)
out=$("$EMBARGO" check --host "$T/acme-host.yaml" "$T/acme.yaml")
check "check: custom scheme with --host (exit $?)" grep -qF "$T/acme.yaml: ok: policy demo-banned-vendor" <<<"$out"
out=$("$EMBARGO" check --host "$T/unmarked.yaml" "$T/acme.yaml")
check "check: custom scheme unknown without it (exit $?)" grep -qxF "$T/acme.yaml:$sline:9: unknown scheme 'acme'" <<<"$out"
expect "test: custom scheme, host at enforce -> deny" 10 "$EMBARGO" test --host "$T/acme-host.yaml" --policy "$T/acme.yaml" --exec "$VENDOR_AGENT"
expect "test: custom scheme, --classification internal -> audit" 11 "$EMBARGO" test --host "$T/acme-host.yaml" --classification internal --policy "$T/acme.yaml" --exec "$VENDOR_AGENT"
out=$("$EMBARGO" test --host "$T/acme-host.yaml" --policy "$T/acme.yaml" --connect 203.0.113.9:443)
check "test: custom scheme names the host level" test "$out" = "deny: connect 203.0.113.9:443 (host RESTRICTED): policy demo-banned-vendor, vendor Example Vendor Ltd"
summary "cli check/test"
