#!/usr/bin/env bash
# Classic backend, executable mappings judged from what the kernel mapped
# (issue 17): each way around an argument check, run as nobody, is killed
# before an instruction of the banned pages runs; each clean twin (the same
# call on clean files) maps and survives, so the attack really happened.
# tests/fixtures/mapattack.c does the calls; a kill is exit 137.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e mapattack"
. tests/e2e/env.sh

cp "$FIX/allowed" "$T/bin/copy-allowed"
cp "$FIX/netprobe" "$T/bin/other-clean"
# 32-bit builds (gcc-multilib, scripts/deps.sh) for ld-linux.so.2 ./banned32
LD32=/lib/ld-linux.so.2
have32=0
if gcc -m32 -O2 -o "$T/bin/banned32" tests/fixtures/victim.c 2> "$T/cc32.err" &&
	gcc -m32 -O2 -o "$T/bin/allowed32" tests/fixtures/allowed.c 2>> "$T/cc32.err" && [ -x "$LD32" ]; then
	have32=1
fi
chmod 755 "$T" "$T/bin"
write_host SECRET
write_policy
[ $have32 = 1 ] && sed -i "s|^      - $BANNED_SHA\$|&\n      - $(sha256 "$T/bin/banned32")|" "$T/policy.yaml"
start_agent || { bad "agent starts"; summary "e2e mapattack"; exit 1; }
wait_for "$T/agent.err" 'index: [0-9]+ files, [0-9]+ hashed' 60
check "backend classic here" log_has '"event":"policy","action":"loaded"' '"backend":"classic"'

# attack WANT_RC WANT_OUT(ERE, whole line) NAME ARGS...: mapattack as nobody.
attack() {
	local want_rc=$1 want=$2 name=$3 out rc
	shift 3
	out=$(setpriv --reuid nobody --regid nogroup --clear-groups "$FIX/mapattack" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && { [ -z "$want" ] || printf '%s\n' "$out" | grep -qxE "$want"; } &&
		{ [ "$want_rc" != 137 ] || [ -z "$out" ]; }; then
		ok "$name (exit $rc${out:+: $out})"
	else
		bad "$name: want exit $want_rc ${want:+and '$want'}" "exit $rc, output: $out"
	fi
}

B=$T/bin/banned
attack 137 "" "mprotect(PROT_EXEC) over a clean + a banned mapping: killed" span "$T/bin/allowed" "$B"
attack 137 "" "mprotect(PROT_EXEC) over an anonymous + a banned mapping: killed" span - "$B"
attack 0 ok "clean twin: the same mprotect over two clean mappings" span "$T/bin/allowed" "$T/bin/copy-allowed"
attack 137 "" "READ_IMPLIES_EXEC + mmap(PROT_READ) of banned: killed" rie "$B"
attack 0 "ok exec" "clean twin: READ_IMPLIES_EXEC makes mmap(PROT_READ) of a clean file executable" \
	rie "$T/bin/allowed"
attack 0 "second mapped in 0 of 100, killed [1-9][0-9]*" \
	"dup2 race from a second thread (clean checked, banned mapped): every child that mapped it killed" \
	race "$T/bin/allowed" "$B" 20000
attack 2 "second mapped in [1-9][0-9]* of 100, killed 0" \
	"clean twin: the race really swaps the file under mmap" race "$T/bin/allowed" "$T/bin/other-clean" 20000
attack 137 "" "int \$0x80 mmap2(PROT_EXEC) of banned: killed" int80 mmap "$B"
attack 137 "" "int \$0x80 mmap2(PROT_READ) + mprotect(PROT_EXEC) of banned: killed" int80 mprotect "$B"
attack 0 ok "clean twin: int \$0x80 mmap2(PROT_EXEC) of a clean file" int80 mmap "$T/bin/allowed"
attack 0 ok "clean twin: int \$0x80 mprotect(PROT_EXEC) of a clean file" int80 mprotect "$T/bin/allowed"

if [ $have32 = 1 ]; then
	rm -f "$T/marker"
	out=$(EMB_MARKER="$T/marker" setpriv --reuid nobody --regid nogroup --clear-groups "$LD32" "$T/bin/banned32" 2>&1)
	rc=$?
	check "32-bit ld-linux.so.2 ./banned32 (mmap2 from a 32-bit task): killed (exit $rc), never ran" \
		[ "$rc" = 137 -a ! -e "$T/marker" ]
	out=$(setpriv --reuid nobody --regid nogroup --clear-groups "$LD32" "$T/bin/allowed32" 2>&1)
	rc=$?
	check "clean twin: ld-linux.so.2 ./allowed32 runs (exit $rc: $out)" [ "$rc" = 0 ]
	rc=$(run_fixture "$T/bin/banned32")
	check "direct exec of banned32: killed (exit $rc), never ran" [ "$rc" = 137 -a ! -e "$T/marker" ]
else
	bad "32-bit fixtures: gcc -m32 and $LD32 (gcc-multilib, make deps)" "$(cat "$T/cc32.err")"
fi

sleep 0.5
check "mmap deny lines, method sigkill, name the banned file" \
	log_has '"event":"mmap","action":"deny","method":"sigkill"' '"path":"banned"' '"policy":"e2e-test"'
summary "e2e mapattack"
