#!/usr/bin/env bash
# mkdeb-dkms.sh: $OUT/embargo-dkms_KMOD_VERSION_all.deb, embargo.ko's DKMS
# source tree (make install-dkms) with maintainer scripts that dkms add,
# build and install it (packaging/deb/dkms/). Prints the .deb's path.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
KV=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' kmod/dkms.conf)
DEB_VERSION=${DKMS_DEB_VERSION:-$KV}
D=packaging/deb/dkms

S=$(mktemp -d /tmp/embargo-dkms.XXXXXX)
trap 'rm -rf "$S"' EXIT
R=$S/root
make --no-print-directory -s install-dkms DESTDIR="$R" >/dev/null
install -d -m 0755 "$R/usr/share/doc/embargo-dkms"
install -m 0644 packaging/deb/copyright "$R/usr/share/doc/embargo-dkms/copyright"
sed -e "s/@VERSION@/$DEB_VERSION/" -e 's/^embargo (/embargo-dkms (/' packaging/deb/changelog |
	gzip -9n > "$R/usr/share/doc/embargo-dkms/changelog.gz"
chmod 0644 "$R/usr/share/doc/embargo-dkms/changelog.gz"
install -d -m 0755 "$R/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$R" | cut -f1)
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@SIZE@/$size/" "$D/control.in" > "$R/DEBIAN/control"
for s in postinst prerm; do
	sed "s/@KMOD_VERSION@/$KV/" "$D/$s" > "$R/DEBIAN/$s"
	chmod 0755 "$R/DEBIAN/$s"
done
(cd "$R" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
	> "$R/DEBIAN/md5sums"
chmod 0644 "$R/DEBIAN/control" "$R/DEBIAN/md5sums"
deb="$OUT/embargo-dkms_${DEB_VERSION}_all.deb"
mkdir -p "$OUT"
dpkg-deb --root-owner-group -Zxz --build "$R" "$deb" >/dev/null
echo "$deb"
