# shellcheck shell=bash
# Per-test sandbox for end-to-end tests: temp dir, own cgroup, own pin dir,
# fixture copies, an agent, and a trap that undoes all of it on any exit.

T=$(mktemp -d /tmp/embargo-e2e.XXXXXX)
CG="$(cgroup2_root)/embargo-e2e-$$"
PIN="/sys/fs/bpf/embargo-e2e-$$"
LOG="$T/events.jsonl"
AGENT_PID=

e2e_cleanup() {
	[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
	[ -d "$PIN" ] && "$EMBARGO" unload --pin-dir "$PIN" --log "$LOG" >/dev/null 2>&1
	if [ -d "$CG" ]; then
		# Move stragglers out, then remove the cgroup.
		while read -r p; do echo "$p" > "$(cgroup2_root)/cgroup.procs" 2>/dev/null; done < "$CG/cgroup.procs"
		rmdir "$CG" 2>/dev/null
	fi
	rm -rf "$T"
}
trap e2e_cleanup EXIT
trap 'exit 130' INT TERM

ensure_bpffs
mkdir -p "$CG" "$T/bin"

# Banned content under several names, all made before the agent starts.
cp "$FIX/victim" "$T/bin/banned"
cp "$FIX/victim" "$T/bin/copy"
ln "$T/bin/banned" "$T/bin/hardlink"
cp "$FIX/victim" "$T/bin/tmp-name" && mv "$T/bin/tmp-name" "$T/bin/renamed"
cp "$FIX/allowed" "$T/bin/allowed"
BANNED_SHA=$(sha256 "$T/bin/banned")

# write_host LEVEL: host tag (empty LEVEL: unmarked) scanning only $T/bin.
write_host() {
	{
		echo "scheme: uk-gsc"
		[ -n "$1" ] && echo "classification: $1"
		echo "scan:"
		echo "  roots: [$T/bin]"
	} > "$T/host.yaml"
}

# The test policy: the victim's hash, 127.0.0.2 tcp/443, ::1 port 4444,
# 127.0.0.4 udp/5353.
write_policy() {
	cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-test
title: end-to-end test policy
scheme: uk-gsc
enforce: SECRET
audit: OFFICIAL
vendors:
  - name: Test Vendor
    sha256:
      - $BANNED_SHA
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

# start_agent [extra args]: run the agent on this sandbox; wait until the
# policy is in force.
start_agent() {
	"$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$LOG" \
		--pin-dir "$PIN" --cgroup "$CG" --state-dir "$T/state" "$@" 2> "$T/agent.err" &
	AGENT_PID=$!
	if ! wait_for "$LOG" '"event":"policy","action":"loaded"' 60; then
		echo "agent did not load; stderr:"; cat "$T/agent.err"
		return 1
	fi
}

# run_fixture PATH: exec it with a marker; prints the exit status.
run_fixture() {
	rm -f "$T/marker"
	EMB_MARKER="$T/marker" "$1" >/dev/null 2>&1
	echo $?
}

# probe tcp|udp ADDR PORT: netprobe run inside the test cgroup; prints its
# verdict (ok, EPERM, ECONNREFUSED...).
probe() { in_cgroup "$CG" "$FIX/netprobe" "$@" 2>&1; }

# log_has PATTERN...: a single log line matches every grep -F pattern.
log_has() {
	local lines
	lines=$(cat "$LOG")
	for p in "$@"; do lines=$(printf '%s\n' "$lines" | grep -F -- "$p"); done
	[ -n "$lines" ]
}
