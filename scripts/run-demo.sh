#!/usr/bin/env bash
# `sudo make run`: the agent with the bundled demo policy, in the foreground.
# Events go to stdout; Ctrl-C stops the agent (the pinned programs keep
# enforcing until `build/embargo unload`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "make run: the agent loads BPF programs: run it as root (sudo make run)" >&2
	exit 1
fi
cat >&2 <<'MSG'
embargo demo: SECRET host, policy policies/examples/demo.yaml
  try: build/demo/vendor-agent        (killed at exec)
       build/fixtures/netprobe tcp 203.0.113.7 443   (EPERM)
  stop with Ctrl-C, then: build/embargo unload
MSG
# The demo indexes only its own files, not the whole disk as a real host.yaml
# with `scan: {roots: [/]}` would.
out=${OUT:-build}
cat > "$out/demo/host.yaml" <<YAML
scheme: uk-gsc
classification: SECRET
scan:
  roots: [$PWD/$out/demo]
YAML
exec "$out/embargo" run --host "$out/demo/host.yaml" --policy policies/examples/demo.yaml --log - "$@"
