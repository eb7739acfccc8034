#!/usr/bin/env bash
# The agent puts containment policies of its policy dir in force: a file
# dropped in contains the test cgroup (new connects get EPERM and a
# "contain" line is logged), removing it releases. The probe runs in a
# network namespace of its own with only lo, so nothing leaves the machine:
# uncontained, a connect to a documentation address fails with ENETUNREACH.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e contain (agent)"
. tests/e2e/env.sh

NS=embargo-ctn-$$
ip netns add "$NS" || { bad "ip netns add"; summary "e2e contain (agent)"; exit 1; }
trap 'ip netns del "$NS" 2>/dev/null; e2e_cleanup' EXIT
ip -n "$NS" link set lo up

write_host SECRET
write_policy
mkdir -p "$T/pol"
start_agent --policy-dir "$T/pol" || { bad "agent starts"; summary "e2e contain (agent)"; exit 1; }
loaded() { grep -c '"event":"policy","action":"loaded"' "$LOG"; }
nsprobe() { in_cgroup "$CG" ip netns exec "$NS" "$FIX/netprobe" "$@" 2>&1; }

check "uncontained: no route, no block ($(nsprobe tcp 192.0.2.1 80))" test "$(nsprobe tcp 192.0.2.1 80)" = ENETUNREACH
n=$(loaded)
cat > "$T/pol/00-contain.new" <<YAML
embargo: 1
id: ir-contain-test
contain:
  allow:
    - cidr: 198.51.100.1/32
      ports: [22]
YAML
mv "$T/pol/00-contain.new" "$T/pol/00-contain.yaml"
wait_for "$LOG" '"policies":\[[^]]*"ir-contain-test"' 10
check "containment file loaded by the agent" test "$(loaded)" -gt "$n"
got=$(nsprobe tcp 192.0.2.1 80)
check "contained: connect gets EPERM ($got)" test "$got" = EPERM
got=$(nsprobe udp 192.0.2.1 53)
check "contained: udp sendto gets EPERM ($got)" test "$got" = EPERM
check "contained: loopback untouched ($(probe tcp 127.0.0.3 443))" test "$(probe tcp 127.0.0.3 443)" = ECONNREFUSED
check "a contain line is logged" wait_for "$LOG" '"event":"contain","action":"deny".*"policy":"ir-contain-test"' 5
check "vendor bans still enforced alongside" test "$(run_fixture "$T/bin/banned")" = 137

n=$(loaded)
rm "$T/pol/00-contain.yaml"
for i in $(seq 100); do [ "$(loaded)" -gt "$n" ] && break; sleep 0.05; done
got=$(nsprobe tcp 192.0.2.1 80)
check "file removed: containment off ($got)" test "$got" = ENETUNREACH

printf 'embargo: 1\nid: too-many\ncontain:\n  allow:\n' > "$T/pol/00-many.new"
for p in $(seq 1 70); do printf '    - cidr: 198.51.100.%d/32\n      ports: [22]\n' "$p"; done >> "$T/pol/00-many.new"
mv "$T/pol/00-many.new" "$T/pol/00-many.yaml"
check "a containment too large for the kernel table is refused" wait_for "$LOG" '"action":"refused".*containment' 10
got=$(nsprobe tcp 192.0.2.1 80)
check "after the refusal the host stays uncontained ($got)" test "$got" = ENETUNREACH
summary "e2e contain (agent)"
