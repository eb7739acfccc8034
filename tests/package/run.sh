#!/usr/bin/env bash
# `make package-test`: build the .deb (and an upgrade, the same tree under
# a higher version), check it with lintian, install it with dpkg into a
# throwaway root (--root, maintainer scripts run chrootless with
# DPKG_ROOT), check files, conffiles, unit, man pages and completion; the
# maintainer scripts' systemd calls (fake tools, in a private mount
# namespace with tmpfs over /run, /var and /sys/fs/bpf); an upgrade while
# the agent enforces from pins leaves them enforcing and the new agent
# adopts them; remove keeps state, purge removes it. Root (the agent).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
require_root "package"
. tests/e2e/env.sh

W=$T/pkg
R=$T/root
mkdir -p "$W" "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/log"
touch "$R/var/lib/dpkg/status"

VERSION=${VERSION:-$(sed -n "s/^VERSION ?= //p" Makefile)}
V1=$VERSION V2=$VERSION+1
deb1=$(OUT=$W DEB_VERSION=$V1 ./scripts/mkdeb.sh) || { bad "make deb ($V1)"; summary package; exit 1; }
deb2=$(OUT=$W DEB_VERSION=$V2 ./scripts/mkdeb.sh) || { bad "make deb ($V2)"; summary package; exit 1; }
ok "built ${deb1##*/} and ${deb2##*/}"

if out=$(lintian --pedantic "$deb1" 2>&1 | grep -v 'running with root privileges'); [ -z "$out" ]; then
	ok "lintian --pedantic: clean"
else
	bad "lintian --pedantic: clean" "$out"
fi
ctl=$(dpkg-deb -f "$deb1")
check "control: Depends names libbpf1 and libyaml" grep -qE '^Depends: .*libbpf1.*libyaml' <<<"$ctl"
check "conffiles: /etc/embargo/host.yaml.example" \
	[ "$(dpkg-deb --ctrl-tarfile "$deb1" | tar -xO ./conffiles)" = /etc/embargo/host.yaml.example ]

DPKG=(dpkg --root="$R" --force-script-chrootless --force-depends --log="$W/dpkg.log")
out=$("${DPKG[@]}" -i "$deb1" 2>&1)
check "dpkg --root -i ${deb1##*/} (rc $?)" [ $? = 0 ] || printf '%s\n' "$out"
check "dpkg: installed, version $V1" \
	[ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status} ${Version}' embargo)" = "install ok installed $V1" ]
check "dpkg: /etc/embargo/host.yaml.example is a conffile" \
	grep -q '^ /etc/embargo/host.yaml.example [0-9a-f]\{32\}$' <(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Conffiles}\n' embargo)

has() { [ -e "$3" ] && [ "$(stat -c '%a %U' "$3")" = "$1 $2" ]; }
for row in "755 root $R/usr/sbin/embargo" "644 root $R/lib/systemd/system/embargo.service" \
	"644 root $R/usr/share/man/man8/embargo.8.gz" "644 root $R/usr/share/man/man5/embargo-policy.5.gz" \
	"644 root $R/usr/share/bash-completion/completions/embargo" "644 root $R/usr/share/doc/embargo/copyright" \
	"755 root $R/etc/embargo/policies.d" "755 root $R/etc/embargo/keys.d" \
	"700 root $R/var/lib/embargo" "750 root $R/var/log/embargo"; do
	# shellcheck disable=SC2086
	set -- $row
	check "${3#"$R"} (mode $1, owner $2)" has "$1" "$2" "$3"
done
check "shipped policies in /usr/share/embargo/policies" [ -f "$R/usr/share/embargo/policies/us-dhs-bod-17-01.yaml" ]
check "no host.yaml: the agent does not start by itself" [ ! -e "$R/etc/embargo/host.yaml" ]
U=$R/lib/systemd/system/embargo.service
check "unit: ExecStart=/usr/sbin/embargo run" grep -qx 'ExecStart=/usr/sbin/embargo run' "$U"
check "unit: ConditionPathExists=/etc/embargo/host.yaml" grep -qx 'ConditionPathExists=/etc/embargo/host.yaml' "$U"
check "unit: WantedBy=multi-user.target" grep -qx 'WantedBy=multi-user.target' "$U"
for page in man8/embargo.8.gz man5/embargo-policy.5.gz; do
	out=$(MANWIDTH=80 man --warnings=w -l "$R/usr/share/man/$page" 2>&1 >/dev/null)
	check "man -l $page: no warnings" [ -z "$out" ]
done
check "installed binary: --version $VERSION" grep -qF "embargo $VERSION " <<<"$("$R/usr/sbin/embargo" --version)"
check "bash -n completion" bash -n "$R/usr/share/bash-completion/completions/embargo"

# Maintainer scripts against fake systemd tools, with DPKG_ROOT empty (as
# on a real install), in a mount namespace where /run, /var/lib, /var/log
# and /sys/fs/bpf are fresh tmpfs: nothing of this machine is touched.
mkdir -p "$W/fake"
for tool in deb-systemd-helper deb-systemd-invoke systemctl; do
	printf '#!/bin/sh\necho "%s $*" >> "$CALLS"\n' "$tool" > "$W/fake/$tool"
	chmod +x "$W/fake/$tool"
done
INFO=$R/var/lib/dpkg/info
# in_ns SCRIPT...: run a shell snippet in the private namespace; the
# scripts are copied in first (the tmpfs hides $T only if under /var: it
# is under /tmp).
in_ns() {
	CALLS=$W/calls PATH="$W/fake:$PATH" INFO="$INFO" unshare --mount --propagation private sh -ec '
		for d in /run /var/lib /var/log /sys/fs/bpf; do mount -t tmpfs tmpfs "$d"; done
		mkdir -p /run/systemd/system
		unset DPKG_ROOT
		eval "$1"' _ "$1"
}
: > "$W/calls"
in_ns '"$INFO/embargo.postinst" configure ""
	[ "$(stat -c %a /var/lib/embargo)" = 700 ] && [ "$(stat -c %a /var/log/embargo)" = 750 ]'
check "postinst configure (first install): state dirs made (rc $?)" [ $? = 0 ]
calls=$(cat "$W/calls")
check "first install: enables the unit" grep -qx 'deb-systemd-helper enable embargo.service' <<<"$calls"
check "first install: start (a no-op until host.yaml exists)" grep -qx 'deb-systemd-invoke start embargo.service' <<<"$calls"
: > "$W/calls"
in_ns '"$INFO/embargo.prerm" upgrade "'"$V2"'"'
check "prerm upgrade: no systemd call at all" [ ! -s "$W/calls" ]
in_ns '"$INFO/embargo.postinst" configure "'"$V1"'"'
calls=$(cat "$W/calls")
check "postinst upgrade: try-restart (the agent is replaced, pins stay)" grep -qx 'deb-systemd-invoke try-restart embargo.service' <<<"$calls"
check "postinst upgrade: never stop" sh -c "! grep -q ' stop ' '$W/calls'"
: > "$W/calls"
in_ns 'mkdir -p /var/lib/embargo /sys/fs/bpf/embargo && touch /var/lib/embargo/index
	"$INFO/embargo.prerm" remove && "$INFO/embargo.postrm" remove
	[ -e /var/lib/embargo/index ] && [ -d /sys/fs/bpf/embargo ]' 2>/dev/null
check "remove: state and pins kept (rc $?)" [ $? = 0 ]
check "prerm remove: stops the agent" grep -qx 'deb-systemd-invoke stop embargo.service' "$W/calls"
in_ns 'mkdir -p /var/lib/embargo /var/log/embargo /sys/fs/bpf/embargo && touch /var/lib/embargo/index
	"$INFO/embargo.postrm" purge
	[ ! -e /var/lib/embargo ] && [ ! -e /var/log/embargo ] && [ ! -e /sys/fs/bpf/embargo ]'
check "purge: state, log and default pin dir removed (rc $?)" [ $? = 0 ]

# An upgrade while the installed agent enforces from its pins.
EMBARGO=$R/usr/sbin/embargo
write_host SECRET
write_policy
start_agent || { bad "installed agent starts" "$(cat "$T/agent.err")"; summary package; exit 1; }
rc=$(run_fixture "$T/bin/banned")
check "installed agent: banned exec refused (exit $rc)" [ "$rc" = 137 -o "$rc" = 126 ]
check "installed agent: clean twin runs (exit 0)" [ "$(run_fixture "$T/bin/allowed")" = 0 ]
out=$("${DPKG[@]}" -i "$deb2" 2>&1)
check "dpkg --root -i ${deb2##*/}: upgrade (rc $?)" [ $? = 0 ] || printf '%s\n' "$out"
check "dpkg: version $V2" \
	[ "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' embargo)" = "$V2" ]
rc=$(run_fixture "$T/bin/banned")
check "after the upgrade: banned exec still refused (exit $rc)" [ "$rc" = 137 -o "$rc" = 126 ]
# What systemd's try-restart does: SIGTERM (pins stay), then the new binary.
kill -TERM "$AGENT_PID" && wait "$AGENT_PID" 2>/dev/null
AGENT_PID=
rc=$(run_fixture "$T/bin/banned")
check "agent stopped for the restart: banned exec still refused (exit $rc)" [ "$rc" = 137 -o "$rc" = 126 ]
check "agent stopped: banned connect still EPERM" [ "$(probe tcp 127.0.0.2 443)" = EPERM ]
mv "$LOG" "$LOG.1"
start_agent || bad "upgraded agent starts" "$(cat "$T/agent.err")"
check "upgraded agent adopted the pins" grep -q "pins in $PIN: adopted generation 1" "$T/agent.err"
"$EMBARGO" status --pin-dir "$PIN" --state-dir "$T/state" > /dev/null
check "status after the upgrade: exit 0" [ $? = 0 ]
rc=$(run_fixture "$T/bin/banned")
check "upgraded agent: banned exec refused (exit $rc)" [ "$rc" = 137 -o "$rc" = 126 ]
check "upgraded agent: clean twin runs (exit 0)" [ "$(run_fixture "$T/bin/allowed")" = 0 ]

# embargo-dkms: the module's DKMS source tree; its postinst (dkms add,
# build, install) does nothing under DPKG_ROOT.
ddeb=$(OUT=$W ./scripts/mkdeb-dkms.sh) || bad "mkdeb-dkms"
if out=$(lintian --pedantic "$ddeb" 2>&1 | grep -v 'running with root privileges'); [ -z "$out" ]; then
	ok "lintian --pedantic ${ddeb##*/}: clean"
else
	bad "lintian --pedantic ${ddeb##*/}: clean" "$out"
fi
check "embargo-dkms: Depends: dkms" grep -qx 'Depends: dkms' <<<"$(dpkg-deb -f "$ddeb")"
KV=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' kmod/dkms.conf)
"${DPKG[@]}" -i "$ddeb" > "$W/dkms.out" 2>&1
check "dpkg --root -i ${ddeb##*/} (rc $?)" [ $? = 0 ]
check "embargo-dkms: /usr/src/embargo-$KV/dkms.conf, Kbuild, kmod/, the ABI header" \
	[ -f "$R/usr/src/embargo-$KV/dkms.conf" ] && [ -f "$R/usr/src/embargo-$KV/Kbuild" ] &&
	[ -f "$R/usr/src/embargo-$KV/kmod/main.c" ] && [ -f "$R/usr/src/embargo-$KV/include/embargo_abi.h" ]
check "embargo-dkms: the tree is the checkout's" cmp -s kmod/main.c "$R/usr/src/embargo-$KV/kmod/main.c"
"${DPKG[@]}" -P embargo-dkms > /dev/null 2>&1
check "embargo-dkms purged: source tree gone" [ ! -e "$R/usr/src/embargo-$KV" ]

# remove keeps conffiles and state; purge removes them.
"${DPKG[@]}" -r embargo > /dev/null 2>&1
check "dpkg -r: binary gone" [ ! -e "$R/usr/sbin/embargo" ]
check "dpkg -r: state and conffile kept" [ -d "$R/var/lib/embargo" ] && [ -f "$R/etc/embargo/host.yaml.example" ]
"${DPKG[@]}" -P embargo > /dev/null 2>&1
check "dpkg -P: state, log and conffile removed" \
	[ ! -e "$R/var/lib/embargo" ] && [ ! -e "$R/var/log/embargo" ] && [ ! -e "$R/etc/embargo/host.yaml.example" ]
summary "package"
