#!/usr/bin/env bash
# A malformed policy: `embargo run` exits non-zero naming FILE:LINE:COL, logs
# the refusal, and attaches nothing.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e bad policy"
. tests/e2e/env.sh

write_host SECRET
write_policy
sed -i 's/^enforce: SECRET/enforce: SECRETT/' "$T/policy.yaml"
line=$(grep -n '^enforce:' "$T/policy.yaml" | cut -d: -f1)

links_before=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
timeout 30 "$EMBARGO" run --host "$T/host.yaml" --policy "$T/policy.yaml" --log "$LOG" \
	--pin-dir "$PIN" --cgroup "$CG" 2> "$T/agent.err"
rc=$?
check "run exits non-zero, not by timeout (rc $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
if grep -qF "$T/policy.yaml:$line:10: unknown level 'SECRETT' for scheme uk-gsc" "$T/agent.err"; then
	ok "stderr names FILE:LINE:COL"
else
	bad "stderr names FILE:LINE:COL" "$(cat "$T/agent.err")"
fi
check "refusal logged" log_has '"event":"policy","action":"refused"' "unknown level 'SECRETT'"
check "no pin dir created" [ ! -e "$PIN" ]
links_after=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
check "no BPF link attached ($links_before -> $links_after)" [ "$links_before" = "$links_after" ]
rc=$(run_fixture "$T/bin/banned")
check "banned fixture still runs: nothing enforced (exit $rc)" [ "$rc" = 0 ]
summary "e2e bad policy"
