#!/usr/bin/env bash
# `embargo keygen` and `embargo sign`: no kernel, no root. Files, modes,
# exit codes (0 ok, 1 failure, 2 usage), refusing to overwrite a key, and a
# signature that OpenSSL's own CLI verifies (plain Ed25519, nothing home-made).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
EMBARGO=$(realpath "$EMBARGO")
DEMO=$(realpath policies/examples/demo.yaml)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
umask 022
cd "$T" || exit 1

expect() { # expect NAME WANT_RC CMD...
	local name=$1 want=$2 rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else bad "$name: exit $rc, want $want" "$out"; fi
}
mode() { stat -c %a "$1"; }
# Key id of a PEM public key, computed by openssl: SHA-256 of the raw 32 bytes.
openssl_keyid() { openssl pkey -pubin -in "$1" -outform DER | tail -c 32 | sha256sum | cut -c1-16; }

# --- keygen ----------------------------------------------------------------
expect "keygen: default prefix" 0 "$EMBARGO" keygen
check "keygen: embargo-policy.key is 0600" test "$(mode embargo-policy.key)" = 600
check "keygen: embargo-policy.pub is 0644" test "$(mode embargo-policy.pub)" = 644
check "keygen: private key is PEM PKCS#8" grep -qx -- '-----BEGIN PRIVATE KEY-----' embargo-policy.key
check "keygen: public key is PEM SubjectPublicKeyInfo" grep -qx -- '-----BEGIN PUBLIC KEY-----' embargo-policy.pub
check "keygen: openssl reads an ED25519 key" \
	sh -c 'openssl pkey -in embargo-policy.key -noout -text | grep -q "^ED25519 Private-Key"'
id=$(openssl_keyid embargo-policy.pub)
check "keygen: prints the key id" test "$out" = "embargo-policy.key: Ed25519 private key (mode 0600, keep it secret)
embargo-policy.pub: Ed25519 public key, key id $id"

before=$(sha256 embargo-policy.key)
expect "keygen: refuses to overwrite" 1 "$EMBARGO" keygen
check "keygen: refusal message" test "$out" = "embargo keygen: embargo-policy.key: already exists, refusing to overwrite"
check "keygen: key left as it was" test "$(sha256 embargo-policy.key)" = "$before"

mkdir keys priv
expect "keygen --out priv/ops" 0 "$EMBARGO" keygen --out priv/ops
check "keygen --out: both files" test -f priv/ops.key -a -f priv/ops.pub
opsid=$(openssl_keyid priv/ops.pub)
mv priv/ops.pub keys/ops.pub
expect "keygen: --out into a missing dir fails" 1 "$EMBARGO" keygen --out nodir/x
check "keygen: missing dir message" test "$out" = "embargo keygen: nodir/x.key: cannot write: No such file or directory"
expect "keygen: extra argument is a usage error" 2 "$EMBARGO" keygen extra
expect "keygen: unknown option is a usage error" 2 "$EMBARGO" keygen --bogus
expect "keygen: --out without a value is a usage error" 2 "$EMBARGO" keygen --out
expect "keygen --help" 0 "$EMBARGO" keygen --help

# --- sign ------------------------------------------------------------------
cp "$DEMO" a.yaml
cp "$DEMO" b.yaml
echo "# another" >> b.yaml
expect "sign: two files" 0 "$EMBARGO" sign --key priv/ops.key a.yaml b.yaml
check "sign: one line per file" test "$out" = "a.yaml.sig: signed with key $opsid
b.yaml.sig: signed with key $opsid"
check "sign: a.yaml.sig is 0644" test "$(mode a.yaml.sig)" = 644
check "sign: signature line format" \
	grep -qxE "embargo-sig-v1 ed25519 $opsid [A-Za-z0-9+/]{86}==" a.yaml.sig
check "sign: exactly one line" test "$(wc -l < a.yaml.sig)" = 1
check "sign: no temp files left" test -z "$(find . -maxdepth 1 -name "*.tmp*")"
cut -d' ' -f4 a.yaml.sig | base64 -d > a.raw
check "sign: openssl verifies the Ed25519 signature" \
	sh -c 'openssl pkeyutl -verify -pubin -inkey keys/ops.pub -rawin -in a.yaml -sigfile a.raw >/dev/null'
cp a.yaml a2.yaml && echo "# tampered" >> a2.yaml
check "sign: openssl refuses it over other bytes" \
	sh -c '! openssl pkeyutl -verify -pubin -inkey keys/ops.pub -rawin -in a2.yaml -sigfile a.raw >/dev/null 2>&1'

old=$(cat a.yaml.sig)
expect "sign: re-signing replaces the signature" 0 "$EMBARGO" sign --key priv/ops.key a.yaml
check "sign: Ed25519 is deterministic: same bytes, same signature" test "$(cat a.yaml.sig)" = "$old"

rm b.yaml.sig
expect "sign: a missing file fails, the others are signed" 1 \
	"$EMBARGO" sign --key priv/ops.key missing.yaml b.yaml
check "sign: missing file message" grep -qxF "embargo sign: missing.yaml: cannot open: No such file or directory" <<<"$out"
check "sign: no .sig for the missing file" test ! -e missing.yaml.sig
check "sign: the other file was signed" test -s b.yaml.sig
expect "sign: a public key is not a signing key" 1 "$EMBARGO" sign --key keys/ops.pub a.yaml
check "sign: public key message" test "$out" = "embargo sign: keys/ops.pub: not an unencrypted PEM private key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
expect "sign: an EC key is refused" 1 "$EMBARGO" sign --key ec.key a.yaml
check "sign: EC key message" test "$out" = "embargo sign: ec.key: EC key, embargo signs with Ed25519 keys only"
expect "sign: missing key file" 1 "$EMBARGO" sign --key nokey.key a.yaml
expect "sign: no --key is a usage error" 2 "$EMBARGO" sign a.yaml
expect "sign: no FILE is a usage error" 2 "$EMBARGO" sign --key priv/ops.key
expect "sign: unknown option is a usage error" 2 "$EMBARGO" sign --key priv/ops.key --bogus a.yaml
expect "sign --help" 0 "$EMBARGO" sign --help

# --- signatures where policies are loaded ---------------------------------
# check --keys-dir, and a host with require_signed: true (embargo test loads
# policies with the agent's own loader).
mkdir -p trusted && cp keys/ops.pub trusted/ops.pub && chmod 755 trusted
sed 's/^id: demo-banned-vendor/id: signed-demo/' "$DEMO" > signed.yaml
"$EMBARGO" sign --key priv/ops.key signed.yaml >/dev/null 2>&1
cp "$DEMO" unsigned.yaml
expect "check --keys-dir: signed policy valid" 0 "$EMBARGO" check --keys-dir trusted signed.yaml
expect "check --keys-dir: unsigned policy invalid" 1 "$EMBARGO" check --keys-dir trusted unsigned.yaml
check "check --keys-dir: says there is no signature" grep -qxF "unsigned.yaml: no signature (unsigned.yaml.sig: No such file or directory)" <<<"$out"
cp signed.yaml tampered.yaml && cp signed.yaml.sig tampered.yaml.sig
sed -i 's/^title: Demo/title: demo/' tampered.yaml
expect "check --keys-dir: one byte changed is invalid" 1 "$EMBARGO" check --keys-dir trusted tampered.yaml
check "check --keys-dir: names the key that failed" grep -qF "tampered.yaml: signature does not verify with key $opsid" <<<"$out"
expect "check without --keys-dir ignores signatures" 0 "$EMBARGO" check unsigned.yaml

printf 'scheme: uk-gsc\nclassification: SECRET\nrequire_signed: true\n' > signed-host.yaml
VA=vendor-agent
"$(dirname "$EMBARGO")/fixtures/mkdemo" "$VA"
expect "require_signed: a signed policy loads (deny)" 10 "$EMBARGO" test --host signed-host.yaml --keys-dir trusted --policy signed.yaml --exec "$VA"
expect "require_signed: an unsigned policy is refused" 2 "$EMBARGO" test --host signed-host.yaml --keys-dir trusted --policy unsigned.yaml --exec "$VA"
check "require_signed: refusal names the file and reason" grep -qxF "unsigned.yaml: no signature (unsigned.yaml.sig: No such file or directory)" <<<"$out"
expect "require_signed: a tampered policy is refused" 2 "$EMBARGO" test --host signed-host.yaml --keys-dir trusted --policy tampered.yaml --exec "$VA"
printf 'scheme: uk-gsc\nclassification: SECRET\nrequire_signed: yes\n' > vague-host.yaml
expect "require_signed: only true/false" 2 "$EMBARGO" test --host vague-host.yaml --keys-dir trusted --policy signed.yaml --exec "$VA"
check "require_signed: message for a vague value" grep -qF "unknown value 'yes' for 'require_signed' (expected true or false)" <<<"$out"

summary "cli sign/keygen"
