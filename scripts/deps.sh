#!/usr/bin/env bash
# Install what building and testing embargo needs, if it is missing.
# Idempotent: with everything present it does nothing and asks no network.
set -euo pipefail

PKGS=(make gcc gcc-12 clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libyaml-dev
      libssl-dev libcmocka-dev pkg-config iproute2 procps util-linux
      qemu-system-x86 busybox-static gcc-multilib
      libclang-rt-14-dev libjansson-dev libsystemd-dev systemd groff-base man-db liblmdb-dev libaudit-dev
      dpkg-dev lintian fuse3 libfuse3-dev)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages and not root: run 'sudo make deps'" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
