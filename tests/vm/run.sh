#!/usr/bin/env bash
# VM tests: the backends this machine cannot run (BPF LSM, fmod_ret,
# embargo.ko), on a Debian 12 cloud kernel under QEMU (TCG).
#
#   tests/vm/run.sh OBJ...   (make vm-test passes the agent's object files)
#   EMBARGO_VM_BOOTS="lsm classic" tests/vm/run.sh ...   only these boots
#
# Downloads the kernel package with `apt-get download` into $OUT/vm/cache
# (never installs it), links a static embargo and static fixtures, packs a
# busybox initramfs and boots once per row of BOOTS below. The guest runs
# test_NAME of guest.sh and reports its verdict on I/O port 0xf4; a guest
# that ends any other way (panic, QEMU exit 0, timeout) fails.
# The kmod boot inserts embargo.ko, built from the DKMS source tree against
# the guest kernel's own headers package (downloaded and extracted the same
# way, never installed).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib.sh

require_root "vm"
OUT=${OUT:-build}
VM=$OUT/vm
CACHE=$VM/cache
CC=${CC:-cc}
LDLIBS=${LDLIBS:--lbpf -lelf -lz -lyaml -lcrypto -lpthread}
BOOT_TIMEOUT=${EMBARGO_VM_TIMEOUT:-120}
LSM_BASE=lockdown,capability,landlock,yama,apparmor

# One boot per row: NAME (guest.sh runs test_NAME) and the kernel's lsm=
# ("-": no lsm= at all, the distribution's default). A new boot is one row
# here plus its test_NAME in guest.sh.
BOOTS=(
	"lsm $LSM_BASE,bpf"      # bpf active: auto picks lsm
	"fmod_ret $LSM_BASE"     # no bpf in lsm=: auto picks fmod_ret
	"classic $LSM_BASE"      # the same kernel, --backend classic forced
	"kmod $LSM_BASE"         # embargo.ko inserted, --backend kmod (auto: fmod_ret ranks above)
	"stock -"                # no lsm= at all: Debian's own list has bpf, auto picks lsm
)

die() {
	bad "$1" "${2:-}"
	summary vm
	exit 1
}

ensure_tools() {
	local missing=()
	command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
		missing+=(busybox-static)
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "vm: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# The current Debian 12 cloud kernel: its package, downloaded once, and
# /boot/vmlinuz-* extracted from it.
fetch_kernel() {
	local pkg deb
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || return 1
	mkdir -p "$CACHE" && chmod 777 "$CACHE" || return 1
	deb=$(ls "$CACHE/${pkg}"_*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ]; then
		(cd "$CACHE" && apt-get download -q "$pkg" >/dev/null) || return 1
		deb=$(ls "$CACHE/${pkg}"_*.deb | head -n1)
	fi
	if [ ! -d "$CACHE/$pkg/boot" ]; then
		mkdir -p "$CACHE/$pkg" &&
			dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$CACHE/$pkg" ./boot || return 1
	fi
	KERNEL=$(ls "$CACHE/$pkg"/boot/vmlinuz-* | head -n1)
	KPKG=$pkg
	[ -f "$KERNEL" ]
}

# The guest kernel's kbuild tree: linux-headers-<ver> with the -common and
# linux-kbuild packages it depends on, downloaded and extracted into the
# cache (never installed). KDIR is the tree to build embargo.ko against.
fetch_headers() {
	local hdr=linux-headers-${KPKG#linux-image-} root=$CACHE/hdr p deb deps
	KDIR=$root/usr/src/$hdr
	[ -f "$KDIR/.embargo-ready" ] && return 0
	deps=$(apt-cache depends "$hdr" 2>/dev/null | awk '/Depends: linux-(headers|kbuild)-/ { print $2 }')
	[ -n "$deps" ] || return 1
	mkdir -p "$root" || return 1
	for p in $hdr $deps; do
		deb=$(ls "$CACHE/${p}"_*.deb 2>/dev/null | head -n1)
		if [ -z "$deb" ]; then
			(cd "$CACHE" && apt-get download -q "$p" >/dev/null) || return 1
			deb=$(ls "$CACHE/${p}"_*.deb | head -n1)
		fi
		dpkg-deb -x "$deb" "$root" || return 1
	done
	# Its Makefile includes the -common tree by absolute path: ours instead.
	sed -i "s|^include /usr/src/|include $(realpath "$root/usr/src")/|" "$KDIR/Makefile" &&
		touch "$KDIR/.embargo-ready"
}

# embargo.ko from the DKMS source tree (make install-dkms), as DKMS builds it.
build_kmod() {
	local src
	rm -rf "$VM/dkms" && make --no-print-directory install-dkms DESTDIR="$VM/dkms" >/dev/null || return 1
	src=$(realpath "$VM"/dkms/usr/src/embargo-*)
	make -s -C "$KDIR" M="$src" modules > "$VM/kmod.log" 2>&1 || { cat "$VM/kmod.log"; return 1; }
	cp "$src/kmod/embargo.ko" "$1/embargo.ko"
}

# $LDLIBS for a static link. libsystemd has no static archive on Debian:
# tests/vm/sd_notify.c stands in (the guest has no systemd, see there);
# libaudit's archive needs libcap-ng's after it.
static_libs() {
	STATIC_LIBS=
	for l in $LDLIBS; do
		if [ "$l" = -lsystemd ] && ! $CC -print-file-name=libsystemd.a | grep -q /; then
			$CC -O2 -Wall -Wextra -Werror -c tests/vm/sd_notify.c -o "$VM/sd_notify.o" || return 1
			STATIC_LIBS="$STATIC_LIBS $VM/sd_notify.o"
		elif [ "$l" = -laudit ]; then
			STATIC_LIBS="$STATIC_LIBS -laudit -lcap-ng" # libaudit.a needs libcap-ng
		else
			STATIC_LIBS="$STATIC_LIBS $l"
		fi
	done
}

# Static binaries for the guest: userspace is 25-80x slower under TCG, so
# everything is built here. The *-dyn fixtures and the host's ld.so and libc
# are for the `ld.so ./banned` check.
build_guest() {
	local root=$VM/root fix=$VM/root/fix cflags="-D_GNU_SOURCE -Iinclude -O2 -Wall -Wextra -Werror"
	rm -rf "$root" && mkdir -p "$root"/{bin,fix,proc,sys,dev,tmp,lib64,lib/x86_64-linux-gnu} || return 1
	static_libs || return 1
	# shellcheck disable=SC2086
	$CC -static -o "$root/bin/embargo" "$@" $STATIC_LIBS 2> "$VM/link.err" || { cat "$VM/link.err"; return 1; }
	$CC $cflags -static -o "$root/bin/vmhelper" tests/vm/vmhelper.c || return 1
	$CC $cflags -static -o "$root/bin/bpfload" tests/load/bpfload.c -lbpf -lelf -lz || return 1
	$CC $cflags -static -o "$root/bin/fmrfloor" tests/vm/fmrfloor.c -lbpf -lelf -lz || return 1
	${CLANG:-clang} -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wextra -Werror -Wno-unused-parameter \
		-Ibpf/vmlinux/x86 -c tests/vm/fmrfloor.bpf.c -o "$root/fmrfloor.bpf.o" || return 1
	for f in victim allowed netprobe mapattack; do
		$CC $cflags -static -o "$fix/$f" "tests/fixtures/$f.c" || return 1
	done
	$CC $cflags -o "$fix/victim-dyn" tests/fixtures/victim.c || return 1
	$CC $cflags -o "$fix/allowed-dyn" tests/fixtures/allowed.c || return 1
	cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/" &&
		cp -L /lib/x86_64-linux-gnu/libc.so.6 "$root/lib/x86_64-linux-gnu/" || return 1
	$CC $cflags -nostdlib -static -fno-stack-protector -fno-pie -no-pie -o "$fix/exit0" \
		tests/vm/exit0.c || return 1
	# Only the kmod boot needs the module: without it that boot fails, the
	# others still run.
	if [ -n "${KDIR:-}" ] && build_kmod "$root"; then KMOD_BUILT=1; else KMOD_BUILT=0; fi
	cp /bin/busybox "$root/bin/busybox" &&
		cp "$OUT/embargo.bpf.o" "$root/embargo.bpf.o" &&
		install -m 0755 tests/vm/init "$root/init" &&
		cp tests/vm/guest.sh "$root/guest.sh" || return 1
	(cd "$root" && find . | ./bin/busybox cpio -o -H newc 2>/dev/null) | gzip -1 > "$VM/initramfs.cpio.gz"
}

# boot NAME LSMLIST: one guest run; adds its checks to PASS/FAIL.
boot() {
	local expect=$1 lsm=$2 log=$VM/console-$1.log rc line gp gf
	local start=$SECONDS
	[ "$lsm" = - ] && lsm= || lsm="lsm=$lsm"
	timeout --foreground -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -no-reboot -accel tcg -smp 2 -m 1G \
		-kernel "$KERNEL" -initrd "$VM/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=4 $lsm emb_expect=$expect" \
		-nodefaults -display none -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 < /dev/null > "$log" 2>&1
	rc=$?
	grep -E '^  (ok|FAIL|info) |^       \| |^vm-guest: kernel' "$log" | tr -d '\r'
	line=$(grep -E '^vm-guest: [0-9]+ passed' "$log" | tr -d '\r' | tail -n1)
	gp=$(echo "$line" | awk '{ print $2 }')
	gf=$(echo "$line" | awk '{ print $4 }')
	PASS=$((PASS + ${gp:-0}))
	FAIL=$((FAIL + ${gf:-0}))
	# isa-debug-exit: verdict 0 -> QEMU exits 1; verdict 1 -> 3.
	case $rc in
	1) ok "$expect boot: guest verdict pass ($((SECONDS - start)) s)" ;;
	3) bad "$expect boot: guest verdict fail" ;;
	124|137) bad "$expect boot: no verdict within ${BOOT_TIMEOUT} s" "$(tail -n 20 "$log")" ;;
	*) bad "$expect boot: guest ended without a verdict (QEMU exit $rc)" "$(tail -n 20 "$log")" ;;
	esac
}

start=$SECONDS
ensure_tools || die "installing qemu-system-x86 and busybox-static"
fetch_kernel || die "downloading the Debian 12 cloud kernel"
fetch_headers || { KDIR=; bad "kmod: downloading the headers of $KPKG (linux-headers, -common, linux-kbuild)"; }
build_guest "$@" || die "building the static guest binaries and initramfs"
echo "vm: kernel $(basename "$KERNEL"), initramfs $(du -h "$VM/initramfs.cpio.gz" | cut -f1)"
for row in "${BOOTS[@]}"; do
	read -r name lsm <<< "$row"
	if [ "$name" = kmod ] && [ "$KMOD_BUILT" != 1 ]; then
		bad "kmod boot: no embargo.ko for the guest kernel (see above${KDIR:+, $VM/kmod.log})"
		continue
	fi
	if [ -n "${EMBARGO_VM_BOOTS:-}" ] && ! [[ " $EMBARGO_VM_BOOTS " == *" $name "* ]]; then
		continue
	fi
	boot "$name" "$lsm"
done
grep -h '^vm-guest: kmod cost' "$VM/console-kmod.log" 2>/dev/null | tr -d '\r'
echo "vm: stage took $((SECONDS - start)) s"
summary vm
