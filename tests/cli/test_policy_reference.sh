#!/usr/bin/env bash
# docs/policy-reference.md against the parser, both ways:
#   - every key of the parser's key tables (the static `*_keys[]` arrays of
#     userspace/lib/policy/policy.c and userspace/lib/policy/host.c) is documented in the key
#     table between the markers <!-- keys:begin --> and <!-- keys:end -->;
#   - every documented key is one of the parser's, and `embargo check`
#     accepts a tiny policy (or host tag) that uses it with the example
#     value the table gives.
# No root, no kernel.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

DOC=${POLICY_REFERENCE:-docs/policy-reference.md}
DEMO_SHA=9559ca8910342549485291aa14658f30317242a08a5d818f8c10665274278747

# --- the parser's keys, from its source --------------------------------------

# keys_of FILE TABLE: the names of one `static const char *const TABLE[...]`.
keys_of() {
	sed -n "/static const char \*const $2\[/,/^};/p" "$1" | grep -o '= "[^"]*"' |
		sed 's/^= "//; s/"$//'
}

# Where each table's keys live, as "FILE KIND PARENT" (PARENT "-" = top level).
# A containment allow rule takes the connect keys but `host`
# (parse_rule(..., with_host = 0) in policy.c).
declare -A WHERE=(
	[userspace/lib/policy/policy.c:policy_keys]="policy -"
	[userspace/lib/policy/policy.c:vendor_keys]="policy vendors[]"
	[userspace/lib/policy/policy.c:connect_keys]="policy vendors[].connect[]"
	[userspace/lib/policy/policy.c:contain_keys]="policy contain"
	[userspace/lib/policy/host.c:host_keys]="host -"
	[userspace/lib/policy/host.c:scan_keys]="host scan"
)

: > "$T/parser"
for src in userspace/lib/policy/policy.c userspace/lib/policy/host.c; do
	while read -r table; do
		w=${WHERE[$src:$table]:-}
		if [ -z "$w" ]; then
			bad "key table $src:$table is mapped in this test" \
				"add it to WHERE in $0 (where in the document its keys go)"
			continue
		fi
		read -r kind parent <<<"$w"
		names=$(keys_of "$src" "$table")
		[ -n "$names" ] || bad "key table $src:$table: no names extracted"
		for k in $names; do
			if [ "$parent" = - ]; then echo "$kind $k"; else echo "$kind $parent.$k"; fi
			[ "$table" = connect_keys ] && [ "$k" != host ] && echo "$kind contain.allow[].$k"
		done >> "$T/parser"
	done < <(grep -o 'static const char \*const [a-z_]*_keys\[' "$src" | sed 's/.*const //; s/\[$//')
done
sort -u "$T/parser" -o "$T/parser"
check "parser key tables found ($(wc -l < "$T/parser") keys)" test "$(wc -l < "$T/parser")" -ge 20

# --- the documented keys -------------------------------------------------------

# Rows "| `FILE` | `KEY` | TYPE | DEFAULT | `EXAMPLE` | ..." between the markers.
sed -n '/<!-- keys:begin -->/,/<!-- keys:end -->/p' "$DOC" | grep '^| `' |
	awk -F' \\| ' '{ for (i = 1; i <= NF; i++) { gsub(/^\| *| *\|$/, "", $i); gsub(/^`|`$/, "", $i) }
		print $1 "\t" $2 "\t" $5 }' > "$T/rows"
cut -f1,2 "$T/rows" | tr '\t' ' ' | sort > "$T/doc"
check "key table found in $DOC ($(wc -l < "$T/doc") rows)" test -s "$T/doc"
dups=$(uniq -d "$T/doc")
check "no key documented twice${dups:+: $dups}" test -z "$dups"

missing=$(comm -23 "$T/parser" "$T/doc")
extra=$(comm -13 "$T/parser" <(sort -u "$T/doc"))
if [ -z "$missing" ]; then ok "every key the parser accepts is documented"; else
	bad "keys the parser accepts but $DOC does not document" "$missing"; fi
if [ -z "$extra" ]; then ok "every documented key is in the parser's tables"; else
	bad "keys $DOC documents but the parser does not know" "$extra"; fi

# --- every documented key, used with its example, is accepted -------------------

# flow PAIRS: "k<TAB>v" lines -> "{k: v, ...}".
flow() { awk -F'\t' 'BEGIN { printf "{" } { printf "%s%s: %s", (NR > 1 ? ", " : ""), $1, $2 } END { printf "}" }'; }
# put KEY VALUE < PAIRS: the pairs with KEY set to VALUE (replaced or added).
put() { awk -F'\t' -v k="$1" -v v="$2" '$1 != k { print } END { print k "\t" v }'; }

POLICY_TOP=$'embargo\t1\nid\tref-test\nscheme\tuk-gsc\nenforce\tSECRET'
VENDOR=$'name\tRef Vendor\npaths\t[/opt/ref/**]'
RULE=$'cidr\t203.0.113.0/24'
CONTAIN_TOP=$'embargo\t1\nid\tref-test'
ALLOW=$'cidr\t192.0.2.10/32'

# doc_for KIND KEY EXAMPLE: a one-line document using KEY, or nothing.
doc_for() {
	local kind=$1 key=$2 ex=$3 leaf=${2##*.} parent=
	[[ $key == *.* ]] && parent=${key%.*}
	case "$kind:$parent" in
	policy:)
		if [ "$leaf" = contain ]; then put contain "$ex" <<<"$CONTAIN_TOP" | flow
		else put vendors "[$(flow <<<"$VENDOR")]" <<<"$POLICY_TOP" | put "$leaf" "$ex" | flow; fi ;;
	'policy:vendors[]')
		put vendors "[$(put "$leaf" "$ex" <<<"$VENDOR" | flow)]" <<<"$POLICY_TOP" | flow ;;
	'policy:vendors[].connect[]')
		local rule
		if [ "$leaf" = host ]; then rule=$(printf 'host\t%s\n' "$ex" | flow)
		else rule=$(put "$leaf" "$ex" <<<"$RULE" | flow); fi
		put vendors "[$(put connect "[$rule]" <<<"$VENDOR" | flow)]" <<<"$POLICY_TOP" | flow ;;
	policy:contain)
		put contain "$(printf '%s\t%s\n' "$leaf" "$ex" | flow)" <<<"$CONTAIN_TOP" | flow ;;
	'policy:contain.allow[]')
		put contain "{allow: [$(put "$leaf" "$ex" <<<"$ALLOW" | flow)]}" <<<"$CONTAIN_TOP" | flow ;;
	host:)
		printf '%s\t%s\n' "$leaf" "$ex" | flow ;;
	host:scan)
		printf 'scan\t%s\n' "$(printf '%s\t%s\n' "$leaf" "$ex" | flow)" | flow ;;
	esac
}

# Host tags are checked with a signed policy and a keys dir, so that
# `require_signed: true` is accepted like any other key.
if ! { "$EMBARGO" keygen --out "$T/ref" >/dev/null 2>&1 && mkdir -m 0755 "$T/keys" &&
	mv "$T/ref.pub" "$T/keys/"; }; then
	bad "embargo keygen"
fi
printf 'embargo: 1\nid: ref-base\nscheme: uk-gsc\nenforce: SECRET\nvendors: [{name: V, sha256: [%s]}]\n' \
	"$DEMO_SHA" > "$T/base.yaml"
"$EMBARGO" sign --key "$T/ref.key" "$T/base.yaml" >/dev/null 2>&1 || bad "embargo sign"

n=0
while IFS=$'\t' read -r kind key ex; do
	n=$((n + 1))
	if [ -z "$ex" ]; then bad "$kind $key: the table gives no example"; continue; fi
	text=$(doc_for "$kind" "$key" "$ex")
	if [ -z "$text" ]; then bad "$kind $key: this test cannot place the key (kind '$kind')"; continue; fi
	f="$T/$kind-$n.yaml"
	printf '%s\n' "$text" > "$f"
	if [ "$kind" = policy ]; then
		out=$("$EMBARGO" check "$f" 2>&1)
	else
		out=$("$EMBARGO" check --host "$f" --keys-dir "$T/keys" "$T/base.yaml" 2>&1)
	fi
	rc=$?
	if [ $rc = 0 ]; then ok "$kind $key: accepted ($ex)"; else
		bad "$kind $key: embargo check refuses the documented example (exit $rc)" "$text"$'\n'"$out"; fi
done < "$T/rows"

# The check above must be able to fail: an undocumented key is refused.
printf '%s\n' "$(put colour blue <<<"$POLICY_TOP" | put vendors "[$(flow <<<"$VENDOR")]" | flow)" > "$T/unknown.yaml"
out=$("$EMBARGO" check "$T/unknown.yaml" 2>&1)
check "an unknown key is refused (sanity of the generated files)" grep -qF "unknown key 'colour'" <<<"$out"

summary "cli policy reference"
