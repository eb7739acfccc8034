#!/usr/bin/env bash
# enforce_from a few seconds ahead on an enforce-level host: the policy audits
# until that instant, then denies, with no reload and no file change.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e enforce_from"
. tests/e2e/env.sh

write_host SECRET
write_policy
deadline=$(($(date +%s) + 6))
sed -i "s/^audit: OFFICIAL/enforce_from: $(date -u -d "@$deadline" +%Y-%m-%dT%H:%M:%SZ)/" "$T/policy.yaml"
start_agent || { bad "agent starts"; summary "e2e enforce_from"; exit 1; }
policy_sum=$(sha256 "$T/policy.yaml")

if [ "$(date +%s)" -lt $((deadline - 1)) ]; then
	rc=$(run_fixture "$T/bin/banned")
	check "before the deadline the banned fixture runs (exit $rc)" test "$rc" = 0 -a -e "$T/marker"
	got=$(probe tcp 127.0.0.2 443)
	check "before the deadline the banned address is not blocked ($got)" test "$got" = ECONNREFUSED
	sleep 0.3
	check "before the deadline: audit lines" log_has '"event":"exec","action":"audit"' "\"sha256\":\"$BANNED_SHA\""
else
	bad "agent took too long to start to test the audit phase"
fi
while [ "$(date +%s)" -le "$deadline" ]; do sleep 0.2; done
sleep 1
rc=$(run_fixture "$T/bin/banned")
check "after the deadline the banned fixture is killed (exit $rc)" test "$rc" = 137 -a ! -e "$T/marker"
got=$(probe tcp 127.0.0.2 443)
check "after the deadline the banned address gets EPERM ($got)" test "$got" = EPERM
sleep 0.3
check "after the deadline: deny lines" log_has '"event":"exec","action":"deny"' "\"sha256\":\"$BANNED_SHA\""
check "the policy file was never touched" test "$(sha256 "$T/policy.yaml")" = "$policy_sum"
check "the agent is the same process" kill -0 "$AGENT_PID"
summary "e2e enforce_from"
