#!/usr/bin/env bash
# `embargo --help`, `embargo --version`, and `embargo CMD --help` / `-h` for
# every command: exit 0, the command's usage, and every option the
# command's parser takes and nothing it refuses. What the parser takes is
# asked of the parser itself: `embargo CMD --X v --help` checks every
# option before --help prints (and does nothing else), so --X is refused
# ("unknown option", "does not apply here") or taken. The candidate names
# are every option name in the CLI's sources: the shared table, the
# commands' own options (argtake, getopt tables, "--x" literals).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

# Never as root: a command that ignored --help must not touch real paths.
AS=()
[ "$(id -u)" = 0 ] && AS=(setpriv --reuid nobody --regid nogroup --clear-groups)
E() { "${AS[@]}" "$EMBARGO" "$@"; }

out=$(E --version); rc=$?
check "--version exits 0 (exit $rc)" test "$rc" = 0
check "--version names the version and the ABI" grep -qxE 'embargo [0-9]+\.[0-9]+\.[0-9]+.* \(BPF ABI [0-9]+\)' <<<"$out"
out=$(E --help); rc=$?
check "--help exits 0 (exit $rc)" test "$rc" = 0
mapfile -t CMDS < <(sed -n 's/^  \([a-z]\+\) .*/\1/p' <<<"$out")
check "--help lists the 13 commands (${#CMDS[@]})" test "${#CMDS[@]}" -ge 13
E >/dev/null 2>&1
check "no command: usage on stderr, exit 2" test $? = 2

mapfile -t NAMES < <(
	{
		sed -n 's/^\t{ "\([a-z][a-z-]*\)", .*/\1/p' userspace/cli/options.c
		grep -ho 'emb_take_\(opt\|flag\)([^"]*"[a-z][a-z-]*"' userspace/cli/*.c | sed 's/.*"\(.*\)"/\1/'
		grep -ho '{ "[a-z][a-z-]*", \(required\|no\|optional\)_argument' userspace/cli/*.c |
			sed 's/{ "\([^"]*\)".*/\1/'
		grep -ho '"--[a-z][a-z-]*"' userspace/cli/*.c | tr -d '"' | sed 's/^--//'
	} | grep -vx help | sort -u)
check "candidate option names found in the sources (${#NAMES[@]})" test "${#NAMES[@]}" -ge 20

refused() { grep -qE "unknown option|does not apply here" <<<"$1"; }

for c in "${CMDS[@]}"; do
	for h in --help -h; do
		out=$(E "$c" "$h" 2>&1); rc=$?
		check "$c $h exits 0 (exit $rc)" test "$rc" = 0
		check "$c $h prints its usage" grep -q "^usage: embargo $c" <<<"$out"
	done
	help=$(E "$c" --help 2>/dev/null)
	# What the parser takes, --help names.
	for n in "${NAMES[@]}"; do
		out=$(E "$c" "--$n" auto --help 2>&1)
		if refused "$out"; then
			if grep -qE -- "(^|[ ,])--$n([ ,=]|\$)" <<<"$help"; then
				bad "$c: --help names --$n but the parser refuses it" "$out"
			fi
		elif grep -qE -- "(^|[ ,])--$n([ ,=]|\$)" <<<"$help"; then
			ok "$c: takes --$n and --help names it"
		else
			bad "$c: takes --$n but --help does not name it" "$help"
		fi
	done
	# What --help names, the parser takes.
	for n in $(grep -oE -- '^  (-[a-z], )?--[a-z][a-z-]*' <<<"$help" | sed 's/.*--//' | grep -vx help); do
		out=$(E "$c" "--$n" auto --help 2>&1)
		if refused "$out"; then bad "$c: --help names --$n, the parser refuses it" "$out"; fi
	done
done
# embargo(8) documents every option some --help names.
for n in $(for c in "${CMDS[@]}"; do E "$c" --help; done 2>/dev/null |
	grep -oE -- '^  (-[a-z], )?--[a-z][a-z-]*' | sed 's/.*--//' | sort -u); do
	check "embargo(8) documents --$n" grep -qF -- "\\-\\-${n//-/\\-}" packaging/embargo.8
done
check "embargo(8) documents --version" grep -qF -- '\-\-version' packaging/embargo.8
out=$(E status --log x --help 2>&1); rc=$?
check "an option a command does not take, before --help: exit 2 (exit $rc)" test "$rc" = 2
check "  and the message says so" grep -qF "embargo status: option '--log' does not apply here" <<<"$out"
summary "cli help"
