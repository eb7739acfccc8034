#!/usr/bin/env bash
# `make install DESTDIR=tmp`: the tree, the systemd unit (systemd-analyze
# verify and security), man pages rendered without warnings, bash completion.
# No root needed; touches nothing outside its temp dir.
cd "$(dirname "$0")/../.."
. tests/lib.sh

D=$(mktemp -d /tmp/embargo-install.XXXXXX)
trap 'rm -rf "$D"' EXIT

make --no-print-directory -s install DESTDIR="$D" > "$D.log" 2>&1
rc=$?
check "make install DESTDIR=… (rc $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || { cat "$D.log"; rm -f "$D.log"; summary "install"; exit 1; }
rm -f "$D.log"

P=$D/usr/local
UNIT=$P/lib/systemd/system/embargo.service

# has MODE TYPE PATH: PATH is a file (f) or directory (d) with octal MODE.
has() {
	case $2 in
	f) [ -f "$3" ] ;;
	d) [ -d "$3" ] ;;
	*) false ;;
	esac || return 1
	[ "$(stat -c %a "$3")" = "$1" ]
}
for row in "755 f $P/sbin/embargo" "644 f $UNIT" "644 f $P/share/man/man8/embargo.8" \
	"644 f $P/share/man/man5/embargo-policy.5" "644 f $P/share/bash-completion/completions/embargo" \
	"755 d $D/etc/embargo/policies.d" "755 d $D/etc/embargo/keys.d" \
	"644 f $D/etc/embargo/host.yaml.example" "700 d $D/var/lib/embargo" "750 d $D/var/log/embargo"; do
	# shellcheck disable=SC2086
	set -- $row
	check "${3#"$D"} ($2, mode $1)" has "$1" "$2" "$3"
done
for pol in policies/*.yaml; do
	[ -e "$pol" ] || continue
	check "shipped $pol in share/embargo/policies" cmp -s "$pol" "$P/share/embargo/policies/${pol##*/}"
done
check "no host.yaml installed (only the example)" [ ! -e "$D/etc/embargo/host.yaml" ]
check "no policy enabled by install" [ -z "$(ls -A "$D/etc/embargo/policies.d")" ]
check "installed binary runs and lists log" sh -c "'$P/sbin/embargo' help | grep -q '^  log '"

check "unit: ExecStart is the installed binary" grep -qx 'ExecStart=/usr/local/sbin/embargo run' "$UNIT"
check "unit: Type=notify" grep -qx 'Type=notify' "$UNIT"
check "unit: Restart=always" grep -qx 'Restart=always' "$UNIT"
check "unit: no @SBINDIR@ left" sh -c "! grep -q @SBINDIR@ '$UNIT'"

# verify looks up ExecStart= and the man: pages on this system: point a copy
# of the unit at the DESTDIR binary and MANPATH at the DESTDIR pages.
mkdir "$D/verify"
sed "s|^ExecStart=/usr/local/sbin/|ExecStart=$P/sbin/|" "$UNIT" > "$D/verify/embargo.service"
if out=$(MANPATH=$P/share/man systemd-analyze verify "$D/verify/embargo.service" 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify accepts the unit"
else
	bad "systemd-analyze verify accepts the unit" "$out"
fi
score=$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null |
	sed -n 's/.*Overall exposure level for embargo.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security: exposure $score <= 5.0" awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 5.0) }'

for page in man8/embargo.8 man5/embargo-policy.5; do
	out=$(MANWIDTH=80 man --warnings=w -l "$P/share/man/$page" 2>&1 >/dev/null)
	if [ -z "$out" ]; then ok "man -l $page: no warnings"; else bad "man -l $page: no warnings" "$out"; fi
	check "man -l $page renders NAME and SEE ALSO" sh -c \
		"MANWIDTH=80 man -l '$P/share/man/$page' 2>/dev/null | grep -q '^NAME' && MANWIDTH=80 man -l '$P/share/man/$page' 2>/dev/null | grep -q '^SEE ALSO'"
done

COMP=$P/share/bash-completion/completions/embargo
check "bash -n completion" bash -n "$COMP"
# complete WORDS...: what the completion offers for the last word.
complete_words() {
	PATH=$P/sbin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _embargo; echo "${COMPREPLY[*]}"' _ "$COMP" "$@"
}
expect_completion() {
	local want=$1; shift
	local got
	got=$(complete_words "$@")
	if [ "$got" = "$want" ]; then ok "complete '$*' -> $want"; else bad "complete '$*' -> $want" "got: $got"; fi
}
expect_completion "log" embargo lo
expect_completion "unload unban" embargo un
expect_completion "--follow" embargo log --f
expect_completion "--pin-dir --log" embargo unload --
expect_completion "--json" embargo status --j
expect_completion "--policy --policy-dir" embargo --json run --pol
expect_completion "-f --follow --json --log" embargo log -
expect_completion "--vendor --kill --host --classification --policy-dir --state-dir" embargo ban 0f34 --
expect_completion "--key" embargo sign --
expect_completion "lsm" embargo run --backend l

# PREFIX=/usr puts the binary and ExecStart under /usr.
rm -rf "$D/usr2" && mkdir "$D/usr2"
make --no-print-directory -s install DESTDIR="$D/usr2" PREFIX=/usr > /dev/null 2>&1
check "PREFIX=/usr: binary in /usr/sbin" [ -x "$D/usr2/usr/sbin/embargo" ]
check "PREFIX=/usr: ExecStart=/usr/sbin/embargo run" \
	grep -qx 'ExecStart=/usr/sbin/embargo run' "$D/usr2/usr/lib/systemd/system/embargo.service"
summary "install"
