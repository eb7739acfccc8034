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
exec build/embargo run --host policies/examples/demo-host.yaml --classification SECRET \
	--policy policies/examples/demo.yaml --log - "$@"
