#!/usr/bin/env bash
# `embargo test --classification LEVEL` with no host file: the level is read
# in the scheme the policies use; policies in several schemes are an error
# naming the candidates (SECRET is a level of uk-gsc and of us). No root.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

DEMO=policies/examples/demo.yaml
VENDOR_AGENT=${OUT:-build}/demo/vendor-agent
# A host file that tags nothing, so a host.yaml at the default path cannot
# change what these cases mean.
printf 'unverified: allow\n' > "$T/nohost.yaml"
H=(--host "$T/nohost.yaml")

expect() { # expect NAME WANT_RC CMD...
	local name=$1 want=$2 rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else bad "$name: exit $rc, want $want" "$out"; fi
}

# The demo policy in scheme us: enforce SECRET, audit CONFIDENTIAL.
sed 's/^scheme: uk-gsc/scheme: us/; s/^audit: OFFICIAL/audit: CONFIDENTIAL/; s/^id: .*/id: demo-us/' \
	"$DEMO" > "$T/us.yaml"
grep -q '^scheme: us$' "$T/us.yaml" || bad "fixture: demo policy has no 'scheme: uk-gsc' line"
US=(--policy "$T/us.yaml")
UK=(--policy "$DEMO")

expect "us policy, SECRET -> deny (scheme us from the policy)" 10 \
	"$EMBARGO" test "${H[@]}" "${US[@]}" --classification SECRET --exec "$VENDOR_AGENT"
check "us policy, SECRET: the verdict names the policy" grep -qF "policy demo-us" <<<"$out"
expect "us policy, SECRET, no host file at all -> deny" 10 \
	"$EMBARGO" test "${US[@]}" --classification SECRET --connect 203.0.113.9:443
expect "us policy, SECRET, unbanned exec -> allow" 0 \
	"$EMBARGO" test "${H[@]}" "${US[@]}" --classification SECRET --exec "$EMBARGO"
expect "us policy, CONFIDENTIAL -> audit" 11 \
	"$EMBARGO" test "${H[@]}" "${US[@]}" --classification CONFIDENTIAL --exec "$VENDOR_AGENT"
expect "us policy, UNCLASSIFIED -> allow" 0 \
	"$EMBARGO" test "${H[@]}" "${US[@]}" --classification UNCLASSIFIED --exec "$VENDOR_AGENT"
expect "uk policy, SECRET -> deny (scheme uk-gsc from the policy)" 10 \
	"$EMBARGO" test "${H[@]}" "${UK[@]}" --classification SECRET --exec "$VENDOR_AGENT"
expect "us policy, OFFICIAL (a uk-gsc level) -> error" 2 \
	"$EMBARGO" test "${H[@]}" "${US[@]}" --classification OFFICIAL --exec "$VENDOR_AGENT"
check "us policy, OFFICIAL: the error names the policies' scheme" test "$out" = \
	"--classification: unknown level 'OFFICIAL' for scheme us, the scheme of the policies"

expect "uk and us policies, SECRET -> error" 2 \
	"$EMBARGO" test "${H[@]}" "${UK[@]}" "${US[@]}" --classification SECRET --exec "$VENDOR_AGENT"
check "uk and us policies, SECRET: the error names both candidates" test "$out" = \
	"--classification: 'SECRET' is a level of uk-gsc and us: the policies use uk-gsc and us; name the scheme in the host file (scheme:)"
# With the scheme in the host file the two policies cannot both load.
printf 'scheme: us\n' > "$T/us-host.yaml"
expect "scheme: us in the host file, uk and us policies -> mismatch error" 2 \
	"$EMBARGO" test --host "$T/us-host.yaml" "${UK[@]}" "${US[@]}" --classification SECRET --exec "$VENDOR_AGENT"
check "mismatch error names the uk policy" grep -qF "$DEMO: scheme 'uk-gsc' does not match the host's scheme 'us'" <<<"$out"
expect "scheme: us in the host file, us policy -> deny" 10 \
	"$EMBARGO" test --host "$T/us-host.yaml" "${US[@]}" --classification SECRET --exec "$VENDOR_AGENT"
# The host file's scheme wins over the policies'.
printf 'scheme: uk-gsc\n' > "$T/uk-host.yaml"
expect "scheme: uk-gsc in the host file, us policy -> mismatch error" 2 \
	"$EMBARGO" test --host "$T/uk-host.yaml" "${US[@]}" --classification SECRET --exec "$VENDOR_AGENT"
# A containment policy has no scheme: the us policy still decides it.
printf 'embargo: 1\nid: ir-test\ncontain:\n  allow:\n    - cidr: 192.0.2.10/32\n' > "$T/contain.yaml"
expect "us and containment policies, SECRET -> deny" 10 \
	"$EMBARGO" test "${H[@]}" "${US[@]}" --policy "$T/contain.yaml" --classification SECRET --exec "$VENDOR_AGENT"
summary "cli test --classification schemes"
