#!/usr/bin/env bash
# OFFICIAL host, policy with audit: OFFICIAL: nothing is blocked, every
# would-be denial is logged as "audit".
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e audit"
. tests/e2e/env.sh

write_host OFFICIAL
write_policy
start_agent || { bad "agent starts"; summary "e2e audit"; exit 1; }

rc=$(run_fixture "$T/bin/banned")
if [ "$rc" = 0 ] && [ -e "$T/marker" ]; then ok "banned fixture runs on an OFFICIAL host"; else bad "banned fixture runs" "exit $rc"; fi
got=$(probe tcp 127.0.0.2 443)
check "connect to the banned endpoint is not blocked ($got)" [ "$got" = ECONNREFUSED ]
got=$(probe udp 127.0.0.4 5353)
check "udp sendto to the banned endpoint is not blocked ($got)" [ "$got" = ok ]

sleep 0.5
check "exec audit line" log_has '"event":"exec","action":"audit"' "\"sha256\":\"$BANNED_SHA\"" '"host_level":"OFFICIAL"'
check "connect audit line" log_has '"event":"connect","action":"audit"' '"daddr":"127.0.0.2"'
check "sendmsg audit line" log_has '"event":"sendmsg","action":"audit"' '"daddr":"127.0.0.4"'
check "no deny line at all" sh -c "! grep -q '\"action\":\"deny\"' '$LOG'"
summary "e2e audit"
