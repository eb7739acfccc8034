#!/usr/bin/env bash
# A log flood: N banned execs in a tight loop (tests/fixtures/execloop).
# Enforcement is never rate-limited: every attempt is refused and counted by
# the kernel. The log may hold lines back (per (policy, pid) rate limit) or
# the kernel may drop events (ring buffer full), but then it says so:
# deny lines + the counts of "lost" lines add up to exactly N.
# N: $EMB_FLOOD_N, default 100000 (on the classic backend every attempt is
# a new process, killed: about 4 ms each here, so this takes minutes).
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e flood"
. tests/e2e/env.sh

# Content no other sandbox bans: the victim plus random trailing bytes (an
# ELF runs the same). Agents of concurrent test runs (each banning the
# plain victim) then neither kill these execs nor log them, and nothing
# but this loop lands in this log.
cp "$FIX/victim" "$T/bin/flood"
head -c 32 /dev/urandom >> "$T/bin/flood"
FLOOD_SHA=$(sha256 "$T/bin/flood")
write_host SECRET
cat > "$T/policy.yaml" <<YAML
embargo: 1
id: e2e-test
title: end-to-end flood policy
scheme: uk-gsc
enforce: SECRET
vendors:
  - name: Test Vendor
    sha256:
      - $FLOOD_SHA
    connect:
      - cidr: 127.0.0.2/32
        ports: [443]
        proto: tcp
YAML
start_agent || { bad "agent starts"; summary "e2e flood"; exit 1; }
backend=$(jq -r .backend <("$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state"))
N=${EMB_FLOOD_N:-100000}

start=$(date +%s)
res=$(EMB_MARKER="$T/marker" in_cgroup "$CG" "$FIX/execloop" "$T/bin/flood" "$N")
secs=$(( $(date +%s) - start ))
ok "$backend backend: $res in ${secs}s"
read -r _ attempts _ eperm _ killed _ ran _ other <<<"$res"
check "every attempt refused ($N: eperm $eperm + killed $killed, ran $ran, other $other)" \
	[ "$attempts" = "$N" -a "$ran" = 0 -a "$other" = 0 -a $((eperm + killed)) = "$N" ]
check "the victim never ran (no marker)" [ ! -e "$T/marker" ]

# deny lines + lost counts (kernel ring buffer and rate limit) of the log
tally() {
	jq -s --arg p e2e-test --arg sha "$FLOOD_SHA" '[
		([.[] | select(.event == "exec" and .action == "deny" and .policy == $p and .sha256 == $sha)] | length),
		([.[] | select(.event == "lost") | .count] | add // 0),
		([.[] | select(.event == "lost" and .reason == "rate_limit") | .count] | add // 0)
	] | @tsv' -r "$LOG"
}
kdenied() { jq .counters.denied <("$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state"); }
check "the kernel counted exactly $N denials" [ "$(kdenied)" = "$N" ]
# The agent drains the ring buffer and reports rate-limit windows each second.
for _ in $(seq 1 60); do
	read -r deny lost limited <<<"$(tally)"
	[ $((deny + lost)) -ge "$N" ] && break
	sleep 1
done
kill -TERM "$AGENT_PID" && wait "$AGENT_PID"
AGENT_PID=
read -r deny lost limited <<<"$(tally)"
echo "  log: $deny deny lines, $lost lost ($limited held back by the rate limit, $((lost - limited)) dropped by the kernel)"
check "deny lines + lost counts = $N exactly" [ $((deny + lost)) = "$N" ]
check "every line of the log is JSON" jq -e . "$LOG" >/dev/null
if [ "$backend" = lsm ]; then
	check "the rate limit held lines back (one pid floods)" [ "$limited" -gt 0 ]
fi
# One process floods: connects to a banned address, all from one pid. The
# rate limit holds lines back and says how many; still exact.
M=${EMB_CONNECT_FLOOD_N:-100000}
: > "$LOG"
start_agent || { bad "agent restarts"; summary "e2e flood"; exit 1; }
res=$(in_cgroup "$CG" "$FIX/connloop" 127.0.0.2 443 "$M")
ok "connect flood: $res"
check "every connect refused with EPERM" [ "$res" = "attempts $M eperm $M other 0" ]
ctally() {
	jq -s -r '[
		([.[] | select(.event == "connect" and .action == "deny")] | length),
		([.[] | select(.event == "lost") | .count] | add // 0),
		([.[] | select(.event == "lost" and .reason == "rate_limit") | .count] | add // 0)
	] | @tsv' "$LOG"
}
for _ in $(seq 1 30); do
	read -r deny lost limited <<<"$(ctally)"
	[ $((deny + lost)) -ge "$M" ] && break
	sleep 1
done
kill -TERM "$AGENT_PID" && wait "$AGENT_PID"
AGENT_PID=
read -r deny lost limited <<<"$(ctally)"
echo "  log: $deny deny lines, $lost lost ($limited held back by the rate limit)"
check "connect deny lines + lost counts = $M exactly" [ $((deny + lost)) = "$M" ]
check "the rate limit held lines back and logged them as lost" [ "$limited" -gt 0 ]
check "rate-limit lines name the policy and the pid" \
	[ "$(jq -s -c '[.[] | select(.reason == "rate_limit") | (.policy == "e2e-test" and .pid > 0)] | unique' "$LOG")" = '[true]' ]
summary "e2e flood"
