#!/usr/bin/env bash
# The same sweep and the same plan under mpirun with 1, 2 and 3 ranks on
# this machine (--oversubscribe): stdout, the JSON and the report must be
# the same bytes whatever the number of ranks.
# Usage: mpi_ranks_test.sh POCHTA MPIRUN
set -euo pipefail
pochta=$1 mpirun=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Open MPI refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cat > "$dir/busy.scenario" <<SCENARIO
name = busy
[run]
days = 10
drain_days = 45
[operator CN]
items_per_day = 3000
office_of_exchange = CNURCA
[operator VU]
items_per_day = 20
office_of_exchange = VUVLIA
transit_office = AUSYDA
transit_hours = 48
SCENARIO
for n in 1 2 3; do
  "$mpirun" --oversubscribe -np $n "$pochta" simulate "$dir/busy.scenario" --sweep customs.officers=1,2,4 \
    --replications 4 --jobs 1 --json "$dir/sweep-$n.json" --report "$dir/sweep-$n.html" > "$dir/sweep-$n.txt"
  "$mpirun" --oversubscribe -np $n "$pochta" plan "$dir/busy.scenario" --vary customs.officers=1..6 \
    --goal "peak backlog, UZTASA customs inspection <= 600" --jobs 1 --json "$dir/plan-$n.json" > "$dir/plan-$n.txt"
done
for n in 2 3; do
  for f in sweep-$n.json sweep-$n.html sweep-$n.txt plan-$n.json plan-$n.txt; do
    cmp "$dir/${f/-$n/-1}" "$dir/$f" || { echo "$f differs from 1 rank's"; exit 1; }
  done
done
grep -q "customs.officers = 4" "$dir/sweep-1.txt"
grep -q "answer: customs.officers=2" "$dir/plan-1.txt"
echo "1, 2 and 3 ranks: the same sweep and plan, byte for byte"
