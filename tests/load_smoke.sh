#!/usr/bin/env bash
# Keeps the load tool working: a few calls of every mode against a fresh
# server. Not a measurement. Usage: load_smoke.sh POCHTA POCHTA_LOAD KEYS
set -euo pipefail
pochta=$1 load=$2 keys=$3
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
"$pochta" serve --db "$dir/db" --keys "$keys" --listen 127.0.0.1:0 --rate-limit 0 > "$dir/out" &
server=$!
for _ in $(seq 50); do grep -q "listening on" "$dir/out" && break; sleep 0.1; done
target=$(sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$dir/out")
key=example-uz-staff-0123456789
"$load" --target "$target" --key "$key" --mode get --clients 4 --count 50 --prepare 2000 --items 2000
"$load" --target "$target" --key "$key" --mode batch --clients 2 --count 5 --batch-size 100 --items 2000
"$load" --target "$target" --key "$key" --mode report --clients 2 --count 3
"$load" --target "$target" --key "$key" --mode watch-cost --clients 1 --duration 1 --rounds 1 --watchers 20 \
    --prepare 2000
"$load" --target "$target" --key "$key" --mode feed-cost --clients 3 --duration 1 --rounds 1 --batch-size 100
# Three seconds are all warm-up (memtables filling): memory flatness is the
# soak's to check, not this smoke's.
"$load" --target "$target" --key "$key" --mode mixed --threads 1 --clients 2 --streams 1 --watchers 2 \
    --items 2000 --batch-size 100 --duration 3 --report-every 1 --server-pid $server --max-rss-growth 1000
kill -TERM $server
wait $server
# The gateway against gRPC (bench/gateway_vs_grpc.sh, its own server): every HTTP read found its item.
gateway=$("$(dirname "$0")/../bench/gateway_vs_grpc.sh" "$(dirname "$pochta")" 1 1 2000)
echo "$gateway"
grep -q "non-2xx: 0)" <<< "$gateway"
