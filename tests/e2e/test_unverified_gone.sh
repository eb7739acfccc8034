#!/usr/bin/env bash
# unverified: allow, and requesters that end before the agent can open their
# file. Short tasks in scope map libc (outside the scan roots: unverified)
# and exit at once; the agent must not take "could not open it" for
# "unreadable" and kill every task mapping libc. The bystander (a sleep
# outside the scope, mapping the same libc) must survive; the clean-twin
# side of the same run: a fresh banned copy is still killed after hashing.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e unverified gone"
. tests/e2e/env.sh

cp "$FIX/slowvictim" "$T/bin/slowvictim"
cat > "$T/host.yaml" <<YAML
scheme: uk-gsc
classification: SECRET
unverified: allow
scan:
  roots: [$T/bin]
YAML
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-unverified-gone
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $(sha256 "$FIX/slowvictim")
YAML
sleep 120 &
BYSTANDER=$!
trap 'kill "$BYSTANDER" 2>/dev/null; e2e_cleanup' EXIT
start_agent || { bad "agent starts" "$(cat "$T/agent.err")"; summary "e2e unverified gone"; exit 1; }

# 300 tasks that map libc and end before their hash request is served.
in_cgroup "$CG" sh -c 'i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done'
sleep 1
check "the bystander mapping the same libc still runs" kill -0 "$BYSTANDER"
check "the agent still runs" kill -0 "$AGENT_PID"
if grep -q "treated as banned" "$T/agent.err"; then
	bad "no 'treated as banned' for tasks that ended" "$(grep "treated as banned" "$T/agent.err" | head -3)"
else
	ok "no 'treated as banned' for tasks that ended"
fi

cp "$FIX/slowvictim" "$T/bin/fresh"
rm -f "$T/marker"
EMB_MARKER="$T/marker" EMB_SLEEP=5 in_cgroup "$CG" "$T/bin/fresh" >/dev/null 2>&1
rc=$?
check "a fresh banned copy is still killed after hashing (exit $rc)" [ "$rc" = 137 ]
summary "e2e unverified gone"
