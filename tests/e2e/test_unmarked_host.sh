#!/usr/bin/env bash
# UNMARKED host (no classification): no policy applies; nothing is blocked
# and nothing but the policy line is logged.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e unmarked"
. tests/e2e/env.sh

write_host ""
write_policy
start_agent || { bad "agent starts"; summary "e2e unmarked"; exit 1; }
check "policy line says the policy is off" log_has '"event":"policy","action":"loaded"' '"modes":["off"]' '"host_level":"UNMARKED"'

rc=$(run_fixture "$T/bin/banned")
check "banned fixture runs (exit $rc)" [ "$rc" = 0 ]
check "and really ran" [ -e "$T/marker" ]
got=$(probe tcp 127.0.0.2 443)
check "connect not blocked ($got)" [ "$got" = ECONNREFUSED ]
got=$(probe udp 127.0.0.4 5353)
check "udp sendto not blocked ($got)" [ "$got" = ok ]
sleep 0.5
check "only the policy line is logged" [ "$(grep -vc '"event":"policy"' "$LOG")" = 0 ]
summary "e2e unmarked"
