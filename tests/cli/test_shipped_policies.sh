#!/usr/bin/env bash
# The shipped policy pack and the examples are valid (`embargo check`), ship
# no sha256 (issue 8: no invented hashes; the demo bans only its own
# fixture), and decide what their comments say. No root, no kernel.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$("$EMBARGO" check policies/*.yaml policies/examples/*.yaml 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "embargo check policies/*.yaml policies/examples/*.yaml"; else
	bad "embargo check policies/*.yaml policies/examples/*.yaml (exit $rc)" "$out"; fi
for f in policies/*.yaml policies/examples/*.yaml; do
	check "$f: one ok line" grep -qF "$f: ok: " <<<"$out"
done
for f in policies/*.yaml; do
	check "$f: ships no sha256" test "$(grep -c '^ *sha256:' "$f")" = 0
	check "$f: names its source" grep -q '^reference: ' "$f"
done

expect() { # expect NAME WANT_RC CMD...
	local name=$1 want=$2 rc out
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else bad "$name: exit $rc, want $want" "$out"; fi
}
# Decisions on the address rules only: `embargo test --connect` resolves the
# host: names first, and a test must not depend on the network's DNS.
for f in policies/*.yaml; do sed "s/- host: .*/- cidr: 192.0.2.254\/32/" "$f" > "$T/${f##*/}"; done
UK=(--policy "$T/uk-ncsc-2017-russia-av.yaml")
US=(--policy "$T/us-dhs-bod-17-01.yaml")
expect "uk: Security Center port on SECRET -> deny" 10 "$EMBARGO" test "${UK[@]}" --classification SECRET --connect 198.51.100.7:13000/tcp
expect "uk: KSN proxy port over IPv6 on TOP SECRET -> deny" 10 "$EMBARGO" test "${UK[@]}" --classification 'TOP SECRET' --connect '[2001:db8::7]:13111/tcp'
expect "uk: udp 15000 on OFFICIAL -> audit" 11 "$EMBARGO" test "${UK[@]}" --classification OFFICIAL --connect 198.51.100.7:15000/udp
expect "uk: tcp 15000 is not banned" 0 "$EMBARGO" test "${UK[@]}" --classification SECRET --connect 198.51.100.7:15000/tcp
expect "uk: https elsewhere is not banned" 0 "$EMBARGO" test "${UK[@]}" --classification SECRET --connect 198.51.100.7:443/tcp
expect "us: after 2017-12-12, UNCLASSIFIED -> deny" 10 "$EMBARGO" test "${US[@]}" --classification UNCLASSIFIED --connect 198.51.100.7:14000/tcp
expect "uk policy on a us host -> load error" 2 "$EMBARGO" test "${UK[@]}" --classification UNCLASSIFIED --connect 198.51.100.7:14000/tcp

summary "cli shipped policies"
