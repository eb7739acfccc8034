#!/usr/bin/env bash
# `embargo scan`: offline sweep, no root, no kernel. A tree of ~2,000 files
# with 3 planted banned copies of the victim fixture: two copies and a hard
# link. A sweep reports every path of banned content, so the hard link is
# reported under its own path as well as the copy it links to: a responder
# who deletes only one name has not removed the file.
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

VICTIM=$FIX/victim
HASH=$(sha256 "$VICTIM")
SIZE=$(stat -c %s "$VICTIM")

same() { # same NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:"$'\n'"$2"$'\n'"want:"$'\n'"$3"; fi
}

expect() { # expect NAME WANT_RC CMD...
	local name=$1 want=$2 rc out
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else bad "$name: exit $rc, want $want" "$out"; fi
}

cat > "$T/policy.yaml" <<YAML
embargo: 1
id: test-scan
scheme: uk-gsc
enforce: TOP SECRET
vendors:
  - name: Scan Test Vendor
    sha256:
      - $HASH
YAML

# 20 dirs x 100 files: text, small binaries, a few larger ones, some executable.
mk_tree() {
	local root=$1 d i
	for d in $(seq -w 0 19); do
		mkdir -p "$root/d$d/sub"
		for i in $(seq -w 0 99); do
			printf 'file %s/%s\n' "$d" "$i" > "$root/d$d/f$i.txt"
		done
		head -c $((4096 * (10#$d + 1))) /dev/urandom > "$root/d$d/sub/blob.bin"
		cp "$FIX/allowed" "$root/d$d/sub/allowed"
	done
}
mk_tree "$T/clean"
cp -a "$T/clean" "$T/tree"
cp "$VICTIM" "$T/tree/d03/sub/installer.run"
cp "$VICTIM" "$T/tree/d11/libvendor.so.1"
mkdir "$T/tree/d17/sub/deep"
ln "$T/tree/d11/libvendor.so.1" "$T/tree/d17/sub/deep/hardlink"
WANT=$(printf '%s\n' "$T/tree/d03/sub/installer.run" "$T/tree/d11/libvendor.so.1" \
	"$T/tree/d17/sub/deep/hardlink" | sort)
NFILES=$(find "$T/tree" -type f | wc -l)
P=(--policy "$T/policy.yaml")

# Human output: the three paths, the exact line format, the summary, exit 10.
"$EMBARGO" scan "${P[@]}" "$T/tree" > "$T/out" 2> "$T/err"
check "scan: planted copies found (exit $?, want 10)" test $? = 10
got=$(sed 's/  sha256=.*//' "$T/out" | sort)
same "scan: exactly the 3 planted paths, hard link included" "$got" "$WANT"
check "scan: line format" grep -qxF "$T/tree/d11/libvendor.so.1  sha256=$HASH  vendor=Scan Test Vendor  policy=test-scan" "$T/out"
check "scan: summary line on stderr" grep -qE "^scanned $NFILES files \([0-9]+ bytes\) in [0-9]+\.[0-9]{2} s: 3 banned$" "$T/err"
check "scan: piped stderr has no progress bar (no \\r)" test "$(tr -cd '\r' < "$T/err" | wc -c)" = 0

# --json: one object per finding and nothing else on stdout.
"$EMBARGO" scan "${P[@]}" --json "$T/tree" > "$T/json" 2> "$T/err"
check "scan --json: exit $?" test $? = 10
check "scan --json: 3 lines" test "$(wc -l < "$T/json")" = 3
if command -v python3 > /dev/null; then
	check "scan --json: every line parses, keys in order" python3 -c '
import json, sys
want = ["path", "sha256", "vendor", "policy", "size"]
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert list(o) == want, list(o)
    assert o["sha256"] == sys.argv[2] and o["size"] == int(sys.argv[3]), o
    assert o["vendor"] == "Scan Test Vendor" and o["policy"] == "test-scan", o
' "$T/json" "$HASH" "$SIZE"
else
	check "scan --json: lines are objects" test "$(grep -c '^{"path":".*","sha256":"'"$HASH"'","vendor":"Scan Test Vendor","policy":"test-scan","size":'"$SIZE"'}$' "$T/json")" = 3
fi
got=$(sed 's/^{"path":"\([^"]*\)".*/\1/' "$T/json" | sort)
same "scan --json: the 3 paths" "$got" "$WANT"

# --csv: RFC 4180 (CRLF records), a header, quoting of a path with a comma.
cp "$VICTIM" "$T/tree/d05/we,ird \"name\""
"$EMBARGO" scan --csv "${P[@]}" "$T/tree" > "$T/csv" 2> "$T/err"
check "scan --csv: exit $?" test $? = 10
check "scan --csv: header" test "$(head -n1 "$T/csv")" = $'path,sha256,vendor,policy,size\r'
check "scan --csv: 1 header + 4 records" test "$(wc -l < "$T/csv")" = 5
check "scan --csv: quoted field" grep -qxF "\"$T/tree/d05/we,ird \"\"name\"\"\",$HASH,Scan Test Vendor,test-scan,$SIZE"$'\r' "$T/csv"
if command -v python3 > /dev/null; then
	check "scan --csv: python csv reads it back" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["path", "sha256", "vendor", "policy", "size"], rows[0]
assert sys.argv[2] in [r[0] for r in rows[1:]], rows
' "$T/csv" "$T/tree/d05/we,ird \"name\""
fi
rm "$T/tree/d05/we,ird \"name\""

# Clean tree: exit 0, summary says 0 banned.
"$EMBARGO" scan "${P[@]}" "$T/clean" > "$T/out" 2> "$T/err"
check "scan: clean tree (exit $?, want 0)" test $? = 0
check "scan: clean tree prints no finding" test ! -s "$T/out"
check "scan: clean summary" grep -qE "^scanned $((NFILES - 3)) files \([0-9]+ bytes\) in [0-9.]+ s: 0 banned$" "$T/err"

# A single file as PATH, and a --policy-dir.
mkdir "$T/pdir" && cp "$T/policy.yaml" "$T/pdir/a.yaml"
expect "scan: one file, --policy-dir" 10 "$EMBARGO" scan --policy-dir "$T/pdir" "$T/tree/d03/sub/installer.run"

# Errors: exit 2, policy errors name FILE:LINE:COL.
sed 's/^enforce: TOP SECRET/enforce: SECRETT/' "$T/policy.yaml" > "$T/bad.yaml"
line=$(grep -n '^enforce:' "$T/bad.yaml" | cut -d: -f1)
out=$("$EMBARGO" scan --policy "$T/bad.yaml" "$T/tree" 2>&1)
check "scan: bad policy (exit $?, want 2)" test $? = 2
check "scan: bad policy names FILE:LINE:COL" grep -qxF "$T/bad.yaml:$line:10: unknown level 'SECRETT' for scheme uk-gsc" <<<"$out"
expect "scan: missing PATH" 2 "$EMBARGO" scan "${P[@]}" "$T/no-such-dir"
expect "scan: no PATH" 2 "$EMBARGO" scan "${P[@]}"
expect "scan: --json with --csv" 2 "$EMBARGO" scan "${P[@]}" --json --csv "$T/tree"
expect "scan: option that does not apply" 2 "$EMBARGO" scan "${P[@]}" --exec /bin/true "$T/tree"
expect "scan: empty policy dir" 2 "$EMBARGO" scan --policy-dir "$T/tree/d00/sub" "$T/tree"

# Unreadable files are counted and reported, never fatal. /proc/self/mem is
# a regular file that fails to read at offset 0 even for root; a PATH named
# on the command line is swept though the default excludes cover /proc.
if [ -e /proc/self/mem ]; then
	"$EMBARGO" scan "${P[@]}" /proc/self/mem "$T/tree" > "$T/out" 2> "$T/err"
	check "scan: unreadable file is not fatal (exit $?, want 10)" test $? = 10
	check "scan: unreadable file reported" grep -qxF "embargo scan: /proc/self/mem: Input/output error" "$T/err"
	check "scan: unreadable count" grep -qxF "embargo scan: 1 files or directories could not be read" "$T/err"
fi
if [ "$(id -u)" -ne 0 ]; then
	cp "$VICTIM" "$T/tree/d07/locked" && chmod 000 "$T/tree/d07/locked"
	"$EMBARGO" scan "${P[@]}" "$T/tree" > "$T/out" 2> "$T/err"
	check "scan: unreadable file is not fatal (exit $?, want 10)" test $? = 10
	check "scan: permission denied reported" grep -qxF "embargo scan: $T/tree/d07/locked: Permission denied" "$T/err"
	rm -f "$T/tree/d07/locked"
fi

# On a terminal (script(1) gives one) the progress bar is drawn, then erased.
# The bar waits 0.1 s before its first draw; a 2 GiB sparse file (no disk
# space) keeps the hashing busy for longer than that.
if command -v script > /dev/null; then
	mkdir "$T/big" && truncate -s 2G "$T/big/sparse"
	script -qec "$EMBARGO scan --policy $T/policy.yaml $T/tree $T/big" /dev/null > "$T/tty" 2>&1
	check "scan on a tty: still exit 10 ($?)" test $? = 10
	check "scan on a tty: bar erased with \\r ESC[K" grep -qF $'\r\033[K' "$T/tty"
	check "scan on a tty: bar drawn" grep -qE 'files .* ETA ' "$T/tty"
	check "scan on a tty: findings and summary" grep -qF "3 banned" "$T/tty"
else
	echo "  skip tty test: no script(1)"
fi
# Issue 7's sweep: 50,000 files, 3 planted banned copies, exactly those found.
big=$T/sweep50k
for d in $(seq -w 0 499); do
	mkdir -p "$big/d$d"
	for i in $(seq -w 0 99); do printf '%s/%s\n' "$d" "$i" > "$big/d$d/f$i"; done
done
cp "$VICTIM" "$big/d007/agent.bin"
cp "$VICTIM" "$big/d250/update.run"
cp "$VICTIM" "$big/d499/libk.so"
WANT_BIG=$(printf '%s\n' "$big/d007/agent.bin" "$big/d250/update.run" "$big/d499/libk.so" | sort)
"$EMBARGO" scan "${P[@]}" "$big" > "$T/big.out" 2> "$T/big.err"
rc=$?
check "50,000 files: exit 10" test "$rc" = 10
check "50,000 files: exactly the 3 planted copies" test "$(cut -d' ' -f1 "$T/big.out" | sort)" = "$WANT_BIG"
check "50,000 files: all of them read ($(grep -o 'scanned [0-9]* files' "$T/big.err"))" grep -qF "scanned 50003 files" "$T/big.err"
# Path globs and --learn (hash-on-discovery): the vendor's files are found
# by its paths, and their digests written as a policy that bans them.
L=$T/learn
mkdir -p "$L/opt/acme/bin" "$L/opt/acme/lib/deep" "$L/usr/bin"
cp "$FIX/allowed" "$L/opt/acme/bin/acmed"
printf 'acme library v2\n' > "$L/opt/acme/lib/deep/libacme.so"
cp "$FIX/allowed" "$L/usr/bin/not-acme"
cat > "$T/acme.yaml" <<YAML
embargo: 1
id: acme-ban
scheme: uk-gsc
enforce: SECRET
audit: OFFICIAL
vendors:
  - name: ACME Corp
    paths:
      - $L/opt/acme/**
    connect:
      - cidr: 198.51.100.0/24
YAML
"$EMBARGO" scan --policy "$T/acme.yaml" "$L" > "$T/glob.out" 2> "$T/glob.err"
check "paths: files under the glob reported, exit 10 ($?)" test "$(cut -d' ' -f1 "$T/glob.out" | sort)" = \
	"$(printf '%s\n' "$L/opt/acme/bin/acmed" "$L/opt/acme/lib/deep/libacme.so" | sort)"
(cd "$L" && "$EMBARGO" scan --policy "$T/acme.yaml" . > "$T/glob-rel.out" 2>&1)
check "paths: a relative root matches the globs too" test "$(grep -c 'vendor=ACME Corp' "$T/glob-rel.out")" = 2
"$EMBARGO" scan --policy "$T/acme.yaml" --learn "ACME Corp" --out "$T/learned.yaml" "$L" > /dev/null 2> "$T/learn.err"
rc=$?
check "learn: exit 10 (found)" test "$rc" = 10
check "learn: says what it wrote" grep -qF "embargo scan: --learn: 2 sha256 of 'ACME Corp' written to $T/learned.yaml" "$T/learn.err"
check "learn: the policy is valid" "$EMBARGO" check "$T/learned.yaml"
check "learn: id, scheme and levels of the vendor's policy" sh -c "grep -qx 'id: learned-acme-corp' '$T/learned.yaml' && grep -qx 'scheme: uk-gsc' '$T/learned.yaml' && grep -qx 'enforce: SECRET' '$T/learned.yaml' && grep -qx 'audit: OFFICIAL' '$T/learned.yaml'"
check "learn: both digests, sorted, once each" test "$(grep -E '^      - [0-9a-f]{64}$' "$T/learned.yaml" | tr -d ' -')" = \
	"$(printf '%s\n' "$(sha256 "$FIX/allowed")" "$(sha256 "$L/opt/acme/lib/deep/libacme.so")" | sort)"
cp "$FIX/allowed" "$L/elsewhere"
"$EMBARGO" test --policy "$T/learned.yaml" --classification SECRET --exec "$L/elsewhere" > /dev/null
check "learn: the learnt policy denies the content anywhere ($?)" test $? = 10
"$EMBARGO" scan --policy "$T/acme.yaml" --learn "Nobody Inc" --out "$T/none.yaml" "$L" > /dev/null 2> "$T/nolearn.err"
check "learn: unknown vendor is an error (exit $?)" grep -qF "no policy names vendor 'Nobody Inc'" "$T/nolearn.err"
check "learn: nothing written for it" test ! -e "$T/none.yaml"
"$EMBARGO" scan --policy "$T/acme.yaml" --learn "ACME Corp" "$L" > /dev/null 2>&1
check "learn: --learn without --out is a usage error (exit $?)" test $? = 2
summary "cli scan"

