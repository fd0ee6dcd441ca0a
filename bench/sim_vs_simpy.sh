#!/usr/bin/env bash
# The kernel against SimPy, in one run: the hold model (10,000 pending
# events) and an M/M/3 queue at 80% load, on one core each.
#   bench/sim_vs_simpy.sh [build/release]
set -euo pipefail
build=${1:-build/release}
here=$(dirname "$0")
ours=$("$build/bench/sim_bench" --benchmark_format=json)
hold=$(printf '%s' "$ours" | /usr/bin/python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"]; print(int([x for x in b if x["name"].startswith("BM_HoldModel")][0]["items_per_second"]))')
mmc=$(printf '%s' "$ours" | /usr/bin/python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"]; print(int([x for x in b if x["name"].startswith("BM_Mmc")][0]["items_per_second"]))')
simpy=$(/usr/bin/python3 "$here/simpy_bench.py")
simpy_hold=$(printf '%s\n' "$simpy" | awk '$1 == "hold" {print $2}')
simpy_mmc=$(printf '%s\n' "$simpy" | awk '$1 == "mmc" {print $2}')
printf '%-28s %16s %16s %8s\n' model pochta SimPy ratio
printf '%-28s %16s %16s %7.0fx\n' "hold model, events/s" "$hold" "$simpy_hold" "$(echo "$hold / $simpy_hold" | bc -l)"
printf '%-28s %16s %16s %7.0fx\n' "M/M/3, customers/s" "$mmc" "$simpy_mmc" "$(echo "$mmc / $simpy_mmc" | bc -l)"
