# shellcheck shell=sh
# Guest side of the VM tests (busybox sh, inside QEMU). $1: the boot's name
# (tests/vm/run.sh BOOTS): test_$1 runs. Prints ok/FAIL lines (and info
# lines: measurements) and "vm-guest: N passed, N failed"; exits 0 only
# when every check passed.
EXPECT=$1
PASS=0
FAIL=0
T=/tmp/t
CG=/sys/fs/cgroup/unified
LOG=$T/events.jsonl
LDSO=/lib64/ld-linux-x86-64.so.2

ok() { PASS=$((PASS + 1)); echo "  ok   [$EXPECT] $1"; }
bad() {
	FAIL=$((FAIL + 1))
	echo "  FAIL [$EXPECT] $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/       | /'
	return 0
}
check() { n=$1; shift; if "$@"; then ok "$n"; else bad "$n"; fi; }
finish() {
	echo "vm-guest: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
	exit $?
}

# wait_for FILE PATTERN SECONDS
wait_for() {
	t=$(($3 * 10))
	while [ $t -gt 0 ]; do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# log_has_now PATTERN...: one line of the log matches every fixed string.
log_has_now() {
	lines=$(cat "$LOG")
	for p in "$@"; do lines=$(printf '%s\n' "$lines" | grep -F -- "$p"); done
	[ -n "$lines" ]
}

# log_has PATTERN...: a line matching every pattern appears within 15 s
# (userspace runs 25-80x slower under TCG, more on a loaded host).
log_has() {
	i=0
	while [ $i -lt 150 ]; do
		log_has_now "$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

setup() {
	mkdir -p $T/bin
	cp /fix/victim $T/bin/banned
	cp /fix/victim $T/bin/copy
	ln $T/bin/banned $T/bin/hardlink
	cp /fix/victim-dyn $T/bin/banned-dyn
	cp /fix/allowed $T/bin/allowed
	cp /fix/allowed-dyn $T/bin/allowed-dyn
	cp /fix/allowed $T/bin/copy-allowed
	printf '#!/bin/sh\necho ran >> "$EMB_MARKER"\n' > $T/bin/banned.sh
	printf '#!/bin/sh\n# the clean twin\necho ran >> "$EMB_MARKER"\n' > $T/bin/clean.sh
	chmod 755 $T/bin/banned.sh $T/bin/clean.sh
	cp /fix/exit0 $T/bin/exit0
	# Executable bit, no format: execve walks every binfmt handler and
	# fails ENOEXEC, no new image. The cheapest exec there is, to time the
	# module's share of it.
	printf 'no format\n' > $T/bin/noformat
	chmod 755 $T/bin/noformat
	# Scripts whose interpreter is a banned or a clean ELF (every exec
	# level is judged).
	printf '#!%s\n' $T/bin/banned > $T/bin/via-banned.sh
	printf '#!%s\n' $T/bin/allowed > $T/bin/via-allowed.sh
	chmod 755 $T/bin/via-banned.sh $T/bin/via-allowed.sh
	cat > $T/host.yaml <<YAML
scheme: uk-gsc
classification: SECRET
scan:
  roots: [$T/bin]
YAML
	cat > $T/policy.yaml <<YAML
embargo: 1
id: vm-test
title: VM test policy
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $(sha256sum $T/bin/banned | cut -d' ' -f1)
      - $(sha256sum $T/bin/banned-dyn | cut -d' ' -f1)
      - $(sha256sum $T/bin/banned.sh | cut -d' ' -f1)
    connect:
      - cidr: 127.0.0.2/32
        ports: [443]
        proto: tcp
      - cidr: ::1/128
        ports: [4444]
      - cidr: 127.0.0.4/32
        ports: [5353]
        proto: udp
YAML
}

# start_agent PIN [args]: the agent in the background; waits for the policy.
start_agent() {
	pin=$1; shift
	/bin/embargo run --host $T/host.yaml --policy $T/policy.yaml --log $LOG \
		--pin-dir "$pin" --cgroup $CG "$@" 2> $T/agent.err &
	AGENT=$!
	wait_for $LOG '"event":"policy","action":"loaded"' 90
}

# exec_as NAME WANT: vmhelper's report for an exec of $T/bin/NAME.
expect_exec() {
	rm -f $T/marker
	got=$(EMB_MARKER=$T/marker /bin/vmhelper exec $T/bin/$1)
	if [ "$got" = "$2" ] && [ ! -e $T/marker ]; then
		ok "exec of $1 -> $2 (no marker left)"
	else
		bad "exec of $1 -> $2" "got: $got, marker: $(cat $T/marker 2>/dev/null)"
	fi
}

expect_probe() {
	want=$1; shift
	got=$(/fix/netprobe "$@" 2>&1)
	if [ "$got" = "$want" ]; then ok "$* -> $want"; else bad "$* -> $want" "got: $got"; fi
}

# expect_ran NAME: an exec of $T/bin/NAME exits 0 and leaves the marker.
expect_ran() {
	rm -f $T/marker
	got=$(EMB_MARKER=$T/marker /bin/vmhelper exec $T/bin/$1)
	if [ "$got" = "exit 0" ] && [ -e $T/marker ]; then
		ok "exec of $1 -> exit 0 (it ran)"
	else
		bad "exec of $1 -> exit 0 (it ran)" "got: $got, marker: $(cat $T/marker 2>/dev/null)"
	fi
}

# attack WANT NAME ARGS...: mapattack ARGS prints WANT (a line of it).
attack() {
	want=$1 name=$2; shift 2
	got=$(/fix/mapattack "$@" 2>&1)
	if printf '%s\n' "$got" | grep -qxE "$want"; then ok "$name: $got"; else bad "$name -> $want" "got: $got"; fi
}

# killed NAME ARGS...: mapattack ARGS is killed by SIGKILL (classic), silent.
killed() {
	name=$1; shift
	got=$(/fix/mapattack "$@" 2>&1)
	rc=$?
	if [ "$rc" = 137 ] && [ -z "$got" ]; then ok "$name: killed"; else bad "$name: killed" "rc $rc, got: $got"; fi
}

shell_rc() {
	rm -f $T/marker
	EMB_MARKER=$T/marker sh -c "$*" >/dev/null 2>&1
	echo $?
}

# The EPERM backends (lsm, fmod_ret): the same cases on both.
test_eperm() {
	be=$1
	out=$(/bin/bpfload /embargo.bpf.o 2>&1)
	check "every program (lsm/ and fmod_ret/ included) passes the 6.1 verifier" \
		[ "$(printf '%s\n' "$out" | grep -c ' ok$')" -eq "$(printf '%s\n' "$out" | wc -l)" ]
	start_agent /sys/fs/bpf/embargo || { bad "agent starts" "$(cat $T/agent.err)"; finish; }
	ok "agent starts and reports the policy loaded"
	check "stderr: backend $be" grep -q "^embargo: backend $be: " $T/agent.err
	check "policy line: backend $be and its reason" log_has '"event":"policy"' "\"backend\":\"$be\"" \
		"\"backend_reason\":\"$2"
	for f in banned copy hardlink; do expect_exec $f EPERM; done
	expect_exec allowed "exit 0"
	rc=$(shell_rc $T/bin/banned)
	check "shell exec of banned: rc $rc (126, no signal)" test "$rc" = 126 -a ! -e $T/marker
	expect_exec banned.sh EPERM
	expect_ran clean.sh
	rc=$(shell_rc $T/bin/banned.sh)
	check "shell exec of banned.sh: rc $rc (126), no line ran" test "$rc" = 126 -a ! -e $T/marker
	rc=$(shell_rc $LDSO $T/bin/banned-dyn)
	check "ld.so banned-dyn fails (rc $rc) and never runs" test "$rc" != 0 -a ! -e $T/marker
	rc=$(shell_rc $LDSO $T/bin/allowed-dyn)
	check "ld.so allowed-dyn runs (rc $rc)" [ "$rc" = 0 ]
	attack EPERM "mprotect(PROT_EXEC) over clean + banned pages" span $T/bin/allowed $T/bin/banned
	attack EPERM "mprotect(PROT_EXEC) over anonymous + banned pages" span - $T/bin/banned
	attack ok "clean twin: mprotect over clean + clean pages" span $T/bin/allowed $T/bin/copy-allowed
	attack EPERM "READ_IMPLIES_EXEC + mmap(PROT_READ) of banned" rie $T/bin/banned
	attack "ok exec" "clean twin: READ_IMPLIES_EXEC mmap of allowed is executable" rie $T/bin/allowed
	attack "second mapped in 0 of 10, killed 0" "dup2 race: banned never mapped" \
		race $T/bin/allowed $T/bin/banned 2000
	attack "second mapped in [1-9][0-9]* of 10, killed 0" "clean twin: the race swaps files" \
		race $T/bin/allowed $T/bin/allowed-dyn 2000
	attack EPERM "int 0x80 mmap2(PROT_EXEC) of banned" int80 mmap $T/bin/banned
	attack EPERM "int 0x80 mprotect(PROT_EXEC) of banned" int80 mprotect $T/bin/banned
	attack ok "clean twin: int 0x80 mmap2 of allowed" int80 mmap $T/bin/allowed
	expect_probe EPERM tcp 127.0.0.2 443
	expect_probe ECONNREFUSED tcp 127.0.0.3 443
	expect_probe EPERM tcp ::1 4444
	expect_probe EPERM udp 127.0.0.4 5353
	expect_probe ok udp 127.0.0.4 5354
	check "exec deny line, method eperm" log_has '"event":"exec","action":"deny","method":"eperm"' \
		"\"path\":\"$T/bin/banned\"" '"policy":"vm-test"'
	check "script exec deny line, method eperm" log_has '"event":"exec","action":"deny","method":"eperm"' \
		"\"path\":\"$T/bin/banned.sh\""
	check "mmap deny line, method eperm" log_has '"event":"mmap","action":"deny","method":"eperm"' \
		'"path":"banned-dyn"'
	check "connect deny line, method eperm" log_has '"event":"connect","action":"deny","method":"eperm"' \
		'"daddr":"127.0.0.2"'
	check "sendmsg deny line, method eperm" log_has '"event":"sendmsg","action":"deny","method":"eperm"' \
		'"daddr":"127.0.0.4"'
	[ "$be" = fmod_ret ] && measure_agent
	kill $AGENT
	wait $AGENT
	/bin/embargo unload --pin-dir /sys/fs/bpf/embargo >/dev/null 2>&1
	rm -f $T/marker
	got=$(EMB_MARKER=$T/marker /bin/vmhelper exec $T/bin/banned)
	check "after unload the banned fixture runs again ($got)" test "$got" = "exit 0" -a -e $T/marker
	[ "$be" = fmod_ret ] && measure_floor
}

# Cost of the hooks, inside the guest (TCG: compare, do not quote as host
# figures): exec and mmap loops with the agent attached, then with an
# empty fmod_ret program on the same three functions, then with nothing.
EXEC_N=100
MMAP_N=10000
measure() { # LABEL [PREFIX...]
	label=$1; shift
	e=$("$@" /bin/vmhelper bench exec /fix/allowed $EXEC_N)
	m=$("$@" /bin/vmhelper bench mmap $T/bin/allowed $MMAP_N)
	echo "  info [$EXPECT] cost $label: exec $e ns, mmap+munmap(PROT_EXEC) $m ns"
	eval "cost_$label=\"$e $m\""
}
measure_agent() { measure agent; }
is_numbers() { [ $# -eq 6 ] && ! printf '%s\n' "$@" | grep -qv '^[0-9][0-9]*$'; }
measure_floor() {
	measure empty_fmod_ret /bin/fmrfloor /fmrfloor.bpf.o --
	measure none
	set -- $cost_agent $cost_empty_fmod_ret $cost_none
	echo "  info [$EXPECT] fmod_ret agent minus empty fmod_ret: exec $(($1 - $3)) ns, mmap $(($2 - $4)) ns;" \
		"empty minus none: exec $(($3 - $5)) ns, mmap $(($4 - $6)) ns"
	check "the cost figures were measured (6 numbers: $*)" is_numbers "$@"
}

test_lsm() {
	test_eperm lsm "bpf is an active LSM"
}

test_fmod_ret() {
	test_eperm fmod_ret "lsm unusable: bpf is not an active LSM"
	# an explicit backend that cannot be honoured is an error, not a downgrade
	/bin/embargo run --backend lsm --host $T/host.yaml --policy $T/policy.yaml --log $T/lsm.jsonl \
		--state-dir $T/lsm-state \
		--pin-dir /sys/fs/bpf/embargo-lsm --cgroup $CG 2> $T/lsm.err
	rc=$?
	said=0
	grep -q 'backend lsm unusable: bpf is not an active LSM' $T/lsm.err && said=1
	check "--backend lsm refuses to run (rc $rc) and says why" test "$rc" -ne 0 -a $said = 1
}

test_classic() {
	start_agent /sys/fs/bpf/embargo --backend classic || { bad "agent starts" "$(cat $T/agent.err)"; finish; }
	ok "agent starts and reports the policy loaded"
	check "stderr: backend classic, as requested" \
		grep -q "^embargo: backend classic: requested with --backend classic" $T/agent.err
	check "policy line: backend classic and its reason" log_has '"event":"policy"' \
		'"backend":"classic"' '"backend_reason":"requested with --backend classic'
	for f in banned copy hardlink; do expect_exec $f "signal 9"; done
	expect_exec allowed "exit 0"
	expect_probe EPERM tcp 127.0.0.2 443
	expect_probe EPERM udp 127.0.0.4 5353
	check "exec deny line, method sigkill" log_has '"event":"exec","action":"deny","method":"sigkill"'
	# mappings judged at sys_exit from the VMAs (the e2e test_mapattack cases, on 6.1)
	killed "mprotect(PROT_EXEC) over clean + banned pages" span $T/bin/allowed $T/bin/banned
	attack ok "clean twin: mprotect over clean + clean pages" span $T/bin/allowed $T/bin/copy-allowed
	killed "READ_IMPLIES_EXEC + mmap(PROT_READ) of banned" rie $T/bin/banned
	attack "ok exec" "clean twin: READ_IMPLIES_EXEC mmap of allowed" rie $T/bin/allowed
	killed "int 0x80 mmap2(PROT_EXEC) of banned" int80 mmap $T/bin/banned
	killed "int 0x80 mprotect(PROT_EXEC) of banned" int80 mprotect $T/bin/banned
	attack ok "clean twin: int 0x80 mmap2 of allowed" int80 mmap $T/bin/allowed
	attack "second mapped in 0 of 10, killed [1-9][0-9]*" "dup2 race: every child that mapped banned killed" \
		race $T/bin/allowed $T/bin/banned 2000
	rc=$(shell_rc $LDSO $T/bin/banned-dyn)
	check "ld.so banned-dyn killed (rc $rc), never runs" test "$rc" = 137 -a ! -e $T/marker
	rc=$(shell_rc $LDSO $T/bin/allowed-dyn)
	check "ld.so allowed-dyn runs (rc $rc)" [ "$rc" = 0 ]
	kill $AGENT
	wait $AGENT
	/bin/embargo unload --pin-dir /sys/fs/bpf/embargo >/dev/null 2>&1
}

# dmesg lines that mean the kernel went wrong (the storm must leave none).
KERNEL_BAD='WARNING:|BUG:|Oops|general protection|RCU stall|refcount_t|kmemleak|UBSAN|KASAN|Call Trace'

# slab memory that is never reclaimed, in kB
sunreclaim() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }

# runs_again NAME: the banned fixture execs and runs (leaves its marker).
runs_again() {
	rm -f $T/marker
	got=$(EMB_MARKER=$T/marker /bin/vmhelper exec $T/bin/banned)
	check "$1 ($got)" test "$got" = "exit 0" -a -e $T/marker
}

reloaded() { [ "$(grep -c '"event":"policy","action":"loaded"' $LOG)" -ge 2 ]; }
module_loaded() { grep -q '^embargo ' /proc/modules; }
module_gone() { [ "$rc" = 0 ] && ! module_loaded; }
dmesg_has() { dmesg | grep -qF -- "$1"; }

# json_num JSON KEY: the number after "KEY": (embargo status --json).
json_num() { printf '%s\n' "$1" | grep -o "\"$2\":[0-9]*" | head -n1 | cut -d: -f2; }

ns_of() { printf '%s\n' "$1" | awk '{ print $10 }'; }

storm_ns() { printf '%s\n' "$1" | awk '{ print $10 }'; }

test_kmod() {
	# The same guest without the module: what an exec costs here.
	base=$(/bin/vmhelper storm $T/bin/exit0 100)
	/bin/vmhelper eloop $T/bin/noformat 500 >/dev/null # warm-up: caches, page tables
	nf0=$(/bin/vmhelper eloop $T/bin/noformat 2000)
	insmod /embargo.ko 2> $T/insmod.err || { bad "insmod embargo.ko" "$(cat $T/insmod.err)"; finish; }
	ok "insmod embargo.ko"
	check "/dev/embargo exists" test -c /dev/embargo
	runs_again "loaded, no maps handed over yet: the banned fixture runs"
	start_agent /sys/fs/bpf/embargo --backend kmod ||
		{ bad "agent starts" "$(cat $T/agent.err)"; finish; }
	ok "agent starts and reports the policy loaded"
	check "stderr: backend kmod" grep -q '^embargo: backend kmod: ' $T/agent.err
	check "policy line: backend kmod and why" log_has '"event":"policy"' '"backend":"kmod"' \
		'"backend_reason":"requested with --backend kmod, embargo.ko answers on /dev/embargo'
	for f in banned copy hardlink banned.sh via-banned.sh; do expect_exec $f EPERM; done
	for f in allowed via-allowed.sh; do expect_exec $f "exit 0"; done
	expect_ran clean.sh
	rc=$(shell_rc $T/bin/banned)
	check "shell exec of banned: rc $rc (126, no signal)" test "$rc" = 126 -a ! -e $T/marker
	check "exec deny line from the module, method eperm" log_has \
		'"event":"exec","action":"deny","method":"eperm"' "\"path\":\"$T/bin/banned\"" '"policy":"vm-test"'
	check "exec deny line for the banned script" log_has \
		'"event":"exec","action":"deny","method":"eperm"' "\"path\":\"$T/bin/banned.sh\""
	expect_probe EPERM tcp 127.0.0.2 443
	rm -f $T/marker
	rc=$(shell_rc $LDSO $T/bin/banned-dyn)
	check "ld.so banned-dyn is killed (mmap as classic, rc $rc)" test "$rc" != 0 -a ! -e $T/marker
	rmmod embargo 2> $T/rmmod.err
	check "rmmod is refused while the maps are held ($(cat $T/rmmod.err))" module_loaded

	# A reload swaps digests in emb_banned (add, then sweep): files outside
	# the scan roots are judged by the module's own hash against it.
	mkdir -p $T/out
	cp /fix/victim $T/out/later
	printf 'x' >> $T/out/later # another digest, still a runnable ELF
	cp $T/bin/banned-dyn $T/out/old
	sed -i "s/$(sha256sum $T/bin/banned-dyn | cut -d' ' -f1)/$(sha256sum $T/out/later | cut -d' ' -f1)/" \
		$T/policy.yaml
	kill -HUP $AGENT
	i=0
	while [ $i -lt 300 ] && ! reloaded; do sleep 0.1; i=$((i + 1)); done
	check "reload: a second policy loaded line" reloaded
	expect_exec ../out/later EPERM
	expect_ran ../out/old # banned-dyn's digest left the policy: its copy runs

	# The agent dead: nobody in userspace hashes; the module decides alone.
	kill -9 $AGENT
	wait $AGENT 2>/dev/null
	cp /fix/victim $T/bin/fresh
	cp /fix/allowed $T/bin/fresh-clean
	cp $T/bin/banned.sh $T/bin/fresh.sh
	expect_exec fresh EPERM
	expect_exec fresh.sh EPERM
	expect_exec fresh-clean "exit 0"
	expect_exec fresh EPERM # now from the verdict the module recorded

	# The hash bound: past it the module denies unhashed (fail-closed).
	p=/sys/module/embargo/parameters/max_hash_bytes
	bound=$(cat $p)
	echo 100 > $p
	cp /fix/allowed $T/bin/too-big
	expect_exec too-big EPERM
	check "dmesg says why: not hashed, bound 100 bytes" dmesg_has "too-big: not hashed (-27, bound 100 bytes"
	echo "$bound" > $p
	expect_exec too-big "exit 0" # within the bound again: hashed, clean

	# The storm: 10,000 execve calls through the gate: 2,000 of a file with
	# no format (ENOEXEC), 300 clean runs, 7,700 banned (EPERM; their events
	# overflow the ring buffer: counted lost).
	slab0=$(sunreclaim)
	nf1=$(/bin/vmhelper eloop $T/bin/noformat 2000)
	check "storm: 2,000 execs of a formatless file, ENOEXEC each ($nf1)" \
		test "$(echo "$nf1" | awk '{ print $4 }')" = 2000
	out=$(/bin/vmhelper storm $T/bin/exit0 300)
	check "storm: 300 execs of a clean file all ran ($out)" \
		test "$(echo "$out" | awk '{ print $4 }')" = 300
	den=$(/bin/vmhelper eloop $T/bin/banned 7700)
	check "storm: 7,700 execs of a banned file all EPERM ($den)" \
		test "$(echo "$den" | awk '{ print $6 }')" = 7700
	slab1=$(sunreclaim)
	check "unreclaimable slab after the storm: ${slab0} -> ${slab1} kB (< 1 MB more)" \
		test $((slab1 - slab0)) -lt 1024
	dmesg | grep -E "$KERNEL_BAD" > $T/dmesg-bad
	if [ -s $T/dmesg-bad ]; then
		bad "dmesg after the storm: no oops, warning or BUG" "$(cat $T/dmesg-bad)"
	else
		ok "dmesg after the storm: no oops, warning or BUG"
	fi

	# Cost: the same exec (a known clean file, ENOEXEC: no image, so the
	# gate's share is largest) with the maps released and attached, in
	# alternating rounds so that drift in the host's load cancels out.
	: > $T/off
	: > $T/on
	r=0
	while [ $r -lt 5 ]; do
		/bin/vmhelper kmod release
		/bin/vmhelper eloop $T/bin/noformat 400 | awk '{ print $10 }' >> $T/off
		/bin/vmhelper kmod attach /sys/fs/bpf/embargo
		/bin/vmhelper eloop $T/bin/noformat 400 | awk '{ print $10 }' >> $T/on
		r=$((r + 1))
	done
	off=$(sort -n $T/off | sed -n 3p)
	on=$(sort -n $T/on | sed -n 3p)
	check "A/B rounds measured ($(tr '\n' ' ' < $T/off)/ $(tr '\n' ' ' < $T/on))" test -n "$off" -a -n "$on"
	echo "vm-guest: kmod cost per exec (ENOEXEC, medians of 5x400): $(ns_of "$nf0") ns before insmod," \
		"$off ns loaded with no maps, $on ns enforcing: $((on - off)) ns added by the gate"
	# The gate's own time on the common path (a known clean file): the
	# counters before and after 1,000 more execs.
	st=$(/bin/embargo status --json --pin-dir /sys/fs/bpf/embargo 2>/dev/null)
	c0=$(json_num "$st" kmod_gate_calls)
	n0=$(json_num "$st" kmod_gate_ns)
	/bin/vmhelper eloop $T/bin/noformat 1000 >/dev/null
	st=$(/bin/embargo status --json --pin-dir /sys/fs/bpf/embargo 2>/dev/null)
	calls=$(json_num "$st" kmod_gate_calls)
	gns=$(json_num "$st" kmod_gate_ns)
	hashed=$(json_num "$st" kmod_hashed)
	failed=$(json_num "$st" kmod_hash_failed)
	check "status counts the gate: ${calls:-?} levels judged, ${hashed:-?} hashed, ${failed:-?} past the bound" \
		test "${calls:-0}" -ge 10000 -a "${hashed:-0}" -ge 4 -a "${failed:-0}" -ge 1
	[ "${calls:-0}" -gt 0 ] && echo "vm-guest: kmod cost per exec (the gate's own time," \
		"every verdict, hashing included): $((gns / calls)) ns over $calls exec levels;" \
		"known clean file: $(((gns - n0) / (calls - c0))) ns over $((calls - c0))"
	echo "vm-guest: kmod cost per exec (clean run): $(storm_ns "$base") ns before insmod," \
		"$(storm_ns "$out") ns enforcing; banned (EPERM): $(ns_of "$den") ns each"

	/bin/embargo unload --pin-dir /sys/fs/bpf/embargo >/dev/null 2>&1
	rmmod embargo 2> $T/rmmod.err
	rc=$?
	check "after embargo unload, rmmod succeeds (rc $rc)" module_gone
	runs_again "after unload the banned fixture runs again"
}

# The kernel as Debian boots it, no lsm= on the command line: its
# CONFIG_LSM lists bpf, so auto picks the LSM backend (README, threat
# model), and a banned #! script is refused at exec like a binary.
no_lsm_arg() { ! grep -q 'lsm=' /proc/cmdline; }
test_stock() {
	lsm=$(cat /sys/kernel/security/lsm)
	check "no lsm= on the command line: $(cat /proc/cmdline)" no_lsm_arg
	check "active LSMs as Debian configures them: $lsm" \
		test "$lsm" = "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf"
	start_agent /sys/fs/bpf/embargo || { bad "agent starts" "$(cat $T/agent.err)"; finish; }
	ok "agent starts and reports the policy loaded"
	check "stderr: auto picked backend lsm" grep -q "^embargo: backend lsm: " $T/agent.err
	expect_exec banned EPERM
	expect_exec allowed "exit 0"
	expect_exec banned.sh EPERM
	expect_ran clean.sh
	expect_probe EPERM tcp 127.0.0.2 443
	check "script exec deny line, method eperm" log_has '"event":"exec","action":"deny","method":"eperm"' \
		"\"path\":\"$T/bin/banned.sh\""
}

echo "vm-guest: kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm)"
setup
if type "test_$EXPECT" >/dev/null 2>&1; then
	"test_$EXPECT"
else
	bad "no test_$EXPECT in guest.sh for this boot"
fi
finish
