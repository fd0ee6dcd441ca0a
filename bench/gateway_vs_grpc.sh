#!/usr/bin/env bash
# The JSON gateway's GET /v1/items/{id} against gRPC GetItem, on one server
# and one store, alternating: pochta_load asks gRPC, wrk (Debian's `wrk`,
# with bench/gateway_get.lua) asks HTTP, each with 32 requests in flight on
# one client thread, for the same random prepared items.
#   bench/gateway_vs_grpc.sh [BUILD_DIR] [ROUNDS] [SECONDS] [ITEMS]
# (defaults build/release, 3 rounds of 8 s each way, 100,000 items)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build/release}
rounds=${2:-3}
seconds=${3:-8}
items=${4:-100000}
key=example-uz-staff-0123456789
db=$(mktemp -d /tmp/pochta-gateway-bench.XXXXXX)
"$build/pochta" serve --db "$db" --keys "$repo/data/example-keys.txt" --listen 127.0.0.1:0 --http 127.0.0.1:0 \
  --rate-limit 0 > "$db.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$db" "$db.log"' EXIT
for _ in $(seq 50); do grep -q "pages and JSON" "$db.log" && break; sleep 0.2; done
grpc=$(sed -n 's/.*listening on \([^ ]*\) .*/\1/p' "$db.log")
http=$(sed -n 's|.*pages and JSON on \(http://[^/]*\)/.*|\1|p' "$db.log")
"$build/bench/pochta_load" --target "$grpc" --key "$key" --mode get --clients 32 --threads 1 --duration 1 \
  --prepare "$items" | sed -n 1p
for r in $(seq "$rounds"); do
  load=$("$build/bench/pochta_load" --target "$grpc" --key "$key" --mode get --clients 32 --threads 1 --duration "$seconds" \
        --items "$items")
  g=$(sed -n 's/.*= \([0-9]*\) calls\/s.*/\1/p' <<< "$load")
  g99=$(sed -n 's/.* p99 \([0-9.]*\) .*/\1/p' <<< "$load")
  out=$(wrk -t1 -c32 -d"${seconds}s" --latency -s "$repo/bench/gateway_get.lua" "$http" -- "$key" "$items")
  h=$(sed -n 's/^Requests\/sec: *\([0-9]*\).*/\1/p' <<< "$out")
  h99=$(sed -n 's/^ *99% *\([0-9.]*[mu]*s\).*/\1/p' <<< "$out")
  bad=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<< "$out")
  echo "round $r: gRPC GetItem $g calls/s (p99 $g99 ms), HTTP GET /v1/items $h requests/s (p99 $h99, non-2xx: ${bad:-0})," \
       "ratio $(echo "scale=2; $h / $g" | bc)"
done
