#!/usr/bin/env bash
# `make kmod` without a kernel build tree fails and says what to install;
# the DKMS source tree (`make install-dkms`) holds everything Kbuild needs.
# No kernel headers needed: the module itself is built by the VM stage.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

out=$(make --no-print-directory kmod KDIR="$T/no-such-tree" 2>&1)
rc=$?
check "make kmod with no headers fails (exit $rc)" test "$rc" -ne 0
check "it names the missing tree" grep -qF "no kernel build tree at $T/no-such-tree" <<<"$out"
check "it says what to install" grep -qF 'apt-get install linux-headers-' <<<"$out"
check "it says how to name a tree (KDIR=)" grep -qF 'make kmod KDIR=' <<<"$out"

make --no-print-directory install-dkms DESTDIR="$T/dest" >/dev/null 2>&1
src=$(ls -d "$T"/dest/usr/src/embargo-* 2>/dev/null)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' kmod/dkms.conf)
check "install-dkms: /usr/src/embargo-$ver" test "$src" = "$T/dest/usr/src/embargo-$ver"
for f in dkms.conf Kbuild kmod/Kbuild kmod/gate.c kmod/emb_kmod.h include/embargo_abi.h; do
	check "install-dkms: $f" test -f "$src/$f"
done
check "install-dkms: no generated files" test -z "$(find "$src" -name '*.mod.c' -o -name '*.o' -o -name '*.ko')"
check "dkms.conf builds kmod/embargo.ko" grep -qx 'BUILT_MODULE_LOCATION\[0\]="kmod/"' "$src/dkms.conf"
summary kmod-build
