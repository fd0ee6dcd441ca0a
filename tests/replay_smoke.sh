#!/usr/bin/env bash
# A simulation's trace replayed into a store and, live, into a running
# server, paced and unpaced; both stores must verify. The scenario has
# goods and letters both ways, so every role reports its own events.
# Usage: replay_smoke.sh POCHTA KEYS
set -euo pipefail
pochta=$1 keys=$2
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
cat > "$dir/short.scenario" <<SCENARIO
name = short
[run]
days = 3
drain_days = 20
[operator CN]
items_per_day = 150
office_of_exchange = CNURCA
[operator VU]
items_per_day = 20
office_of_exchange = VUVLIA
transit_office = AUSYDA
transit_hours = 48
[correspondence from CN]
items_per_day = 10
ordinary_kg_per_day = 2
office_of_exchange = CNBJSA
[correspondence to CN]
items_per_day = 20
office_of_exchange = UZTASA
destination_office = CNBJSA
delivery_postcodes = 100000, 200000
SCENARIO
"$pochta" simulate "$dir/short.scenario" --no-store --trace "$dir/trace.jsonl" > /dev/null
events=$(wc -l < "$dir/trace.jsonl")

"$pochta" replay "$dir/trace.jsonl" --db "$dir/db" | tee "$dir/out"
grep -q "replayed $events events: $events accepted" "$dir/out"
"$pochta" store verify "$dir/db" | grep -q " 0 problems"

"$pochta" serve --db "$dir/served" --keys "$keys" --listen 127.0.0.1:0 > "$dir/serve.out" &
server=$!
for _ in $(seq 50); do grep -q "listening on" "$dir/serve.out" && break; sleep 0.1; done
target=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$dir/serve.out")
"$pochta" replay "$dir/trace.jsonl" --target "$target" --keys "$keys" --speed 0 | tee "$dir/live"
grep -q "replayed $events events: $events accepted, 0 duplicates, 0 rejected" "$dir/live"
# Paced: three weeks of trace at a million simulated seconds a second.
"$pochta" replay "$dir/trace.jsonl" --target "$target" --keys "$keys" --speed 1000000 | tee "$dir/paced"
grep -q "0 accepted, $events duplicates" "$dir/paced"
kill -TERM $server
wait $server
"$pochta" store verify "$dir/served" | grep -q " 0 problems"
echo "replay_smoke: ok"
