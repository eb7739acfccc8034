#!/usr/bin/env bash
# mkdeb.sh: $OUT/embargo_$DEB_VERSION_ARCH.deb from the built tree (`make
# deb`): `make install PREFIX=/usr` into a staging root, then the Debian
# parts (packaging/deb/): control with the shared-library dependencies of
# the binary, conffiles (every file under /etc), maintainer scripts, man
# pages gzipped, copyright and changelog, md5sums. dpkg-deb builds it as
# root:root without fakeroot. Prints the .deb's path.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
VERSION=${VERSION:-$(sed -n "s/^VERSION ?= //p" Makefile)}
DEB_VERSION=${DEB_VERSION:-$VERSION}
ARCH=$(dpkg --print-architecture)
D=packaging/deb

S=$(mktemp -d /tmp/embargo-deb.XXXXXX)
trap 'rm -rf "$S"' EXIT
R=$S/root
make --no-print-directory -s install DESTDIR="$R" PREFIX=/usr UNITDIR=/lib/systemd/system >/dev/null
# State and log dirs are made by postinst with their modes (0700, 0750):
# a package ships directories 0755.
rmdir "$R/var/lib/embargo" "$R/var/log/embargo" "$R/var/lib" "$R/var/log" "$R/var"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$R/usr/sbin/embargo"
gzip -9n "$R"/usr/share/man/man*/*
install -d -m 0755 "$R/usr/share/doc/embargo"
install -m 0644 "$D/copyright" "$R/usr/share/doc/embargo/copyright"
sed "s/@VERSION@/$DEB_VERSION/" "$D/changelog" | gzip -9n > "$R/usr/share/doc/embargo/changelog.gz"
chmod 0644 "$R/usr/share/doc/embargo/changelog.gz"

# Depends: from the libraries the binary links (dpkg-shlibdeps wants a
# debian/control to read; a minimal one).
mkdir -p "$S/src/debian"
printf 'Source: embargo\n\nPackage: embargo\nArchitecture: any\n' > "$S/src/debian/control"
deps=$(cd "$S/src" && dpkg-shlibdeps -O -e"$R/usr/sbin/embargo" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$deps" ] || { echo "mkdeb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d -m 0755 "$R/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$R" | cut -f1)
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$deps/" "$D/control.in" > "$R/DEBIAN/control"
(cd "$R" && find etc -type f | sort | sed 's|^|/|') > "$R/DEBIAN/conffiles"
for s in postinst prerm postrm; do install -m 0755 "$D/$s" "$R/DEBIAN/$s"; done
(cd "$R" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
	> "$R/DEBIAN/md5sums"
chmod 0644 "$R/DEBIAN/control" "$R/DEBIAN/conffiles" "$R/DEBIAN/md5sums"

deb="$OUT/embargo_${DEB_VERSION}_${ARCH}.deb"
mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zxz --build "$R" "$deb" >/dev/null
echo "$deb"
