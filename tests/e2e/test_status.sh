#!/usr/bin/env bash
# `embargo status --json` carries exactly the fields docs/status.md lists
# (a field added or removed on one side only fails here), with the values
# of this sandbox; the human view; --metrics in the Prometheus text format.
cd "$(dirname "$0")/../.."
. tests/lib.sh
require_root "e2e status"
. tests/e2e/env.sh

# Field paths documented in the table: | `a.b[].c` | ...
doc_fields() { sed -n 's/^| `\([][a-z_.]*\)` |.*/\1/p' docs/status.md | sort -u; }
# Field paths of a JSON object: array indexes become [].
json_fields() {
	jq -r 'paths(scalars) | map(if type == "number" then "[]" else . end) | join(".")' |
		sed 's/\.\[\]/[]/g' | sort -u
}

write_host SECRET
write_policy
"$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state" > "$T/none.json"
check "not loaded: exit 3" [ $? = 3 ]
check "not loaded: loaded false" [ "$(jq .loaded "$T/none.json")" = false ]
extra=$(comm -13 <(doc_fields) <(json_fields < "$T/none.json"))
check "not loaded: every field is documented" [ -z "$extra" ]

start_agent --metrics "$T/embargo.prom" || { bad "agent starts"; summary "e2e status"; exit 1; }
rc=$(run_fixture "$T/bin/banned")
check "banned exec refused (exit $rc)" [ "$rc" = 137 -o "$rc" = 126 ]
probe tcp 127.0.0.2 443 >/dev/null
sleep 0.5

"$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state" > "$T/status.json"
check "loaded: exit 0" [ $? = 0 ]
missing=$(comm -23 <(doc_fields) <(json_fields < "$T/status.json"))
extra=$(comm -13 <(doc_fields) <(json_fields < "$T/status.json"))
if [ -z "$missing" ] && [ -z "$extra" ]; then
	ok "status --json fields = docs/status.md table ($(doc_fields | wc -l) fields)"
else
	bad "status --json fields = docs/status.md table" "undocumented: $extra
documented but absent: $missing"
fi
check "status --json is one line" [ "$(wc -l < "$T/status.json")" = 1 ]
S=$(cat "$T/status.json")
backend=$(jq -r .backend <<<"$S")
check "backend is lsm or classic ($backend)" [ "$backend" = lsm -o "$backend" = classic ]
check "abi current, generation 1, state current, host SECRET" \
	[ "$(jq -c '[.abi_current, .generation, .state, .host_level]' <<<"$S")" = '[true,1,"current","SECRET"]' ]
check "policies: e2e-test enforce" [ "$(jq -c .policies <<<"$S")" = '[{"id":"e2e-test","mode":"enforce"}]' ]
check "agent running with the agent's pid" [ "$(jq -c .agent <<<"$S")" = "{\"running\":true,\"pid\":$AGENT_PID}" ]
check "every link_* pin is a link, every emb_* pin a map" \
	[ "$(jq -r '.pins[] | select((.name | startswith("link_")) != (.kind == "link")) | .name' <<<"$S")" = "" ]
check "emb_net4 holds the test's prefixes (2 of its max)" \
	[ "$(jq '.maps[] | select(.name == "emb_net4") | .entries' <<<"$S")" = 2 ]
check "emb_listed lists the 4 banned names' 3 inodes or more" \
	[ "$(jq '.maps[] | select(.name == "emb_listed") | .entries >= 3' <<<"$S")" = true ]
check "ring buffer entries are null, its size in max_entries" \
	[ "$(jq -c '.maps[] | select(.name == "emb_events") | [.type, .entries, .max_entries > 0]' <<<"$S")" = '["ringbuf",null,true]' ]
check "counters: denied >= 2 (exec + connect), nothing lost" \
	[ "$(jq -c '[.counters.denied >= 2, .counters.events_lost, .counters.events_lost_logged]' <<<"$S")" = '[true,0,0]' ]

"$EMBARGO" status --pin-dir "$PIN" --state-dir "$T/state" > "$T/status.txt"
check "human view: enforcing line" grep -qx "embargo: enforcing (pins in $PIN)" "$T/status.txt"
check "human view: policy line" grep -qx "policies:     e2e-test (enforce)" "$T/status.txt"
check "human view: host level" grep -qx "host level:   SECRET" "$T/status.txt"

# A state file of another pin dir is not trusted.
jq -c ".pin_dir = \"/elsewhere\"" "$T/state/status.json" > "$T/other.json"
mkdir -p "$T/state-other" && cp "$T/other.json" "$T/state-other/status.json"
S2=$("$EMBARGO" status --json --pin-dir "$PIN" --state-dir "$T/state-other")
check "stale state file: state stale, policies unknown" \
	[ "$(jq -c '[.state, .policies, .host_level]' <<<"$S2")" = '["stale",[],null]' ]

wait_for "$T/embargo.prom" '^embargo_denied_total [1-9]' 15
check "metrics: embargo_denied_total counts the denials" grep -qE '^embargo_denied_total [1-9][0-9]*$' "$T/embargo.prom"
check "metrics: policy info" grep -qx 'embargo_policy_info{id="e2e-test",mode="enforce"} 1' "$T/embargo.prom"
check "metrics: per-policy events" grep -qE '^embargo_policy_events_total\{policy="e2e-test",action="deny"\} [1-9]' "$T/embargo.prom"
check "metrics: lost counter" grep -qx 'embargo_events_lost_total 0' "$T/embargo.prom"
check "metrics: every sample has HELP and TYPE" \
	[ "$(grep -c '^# TYPE' "$T/embargo.prom")" = "$(grep -c '^# HELP' "$T/embargo.prom")" ]
check "metrics: no temp file left" [ ! -e "$T/embargo.prom.tmp" ]
summary "e2e status"
