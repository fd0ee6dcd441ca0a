#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job, the
# h1-2025 simulation: half a year of inbound mail from China, Latvia and
# Vanuatu, written into a tracking store, then its report.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
pochta=build/release/pochta
db=build/h1-2025.db
rm -rf "$db"  # a fresh store: the run is reproducible, not appended to

$pochta simulate h1-2025 --db "$db" --json build/h1-2025.json --csv build/h1-2025.csv
echo
$pochta store stats "$db" | head -12
echo
echo "Summary: build/h1-2025.json; hourly backlogs: build/h1-2025.csv"
echo "Query the simulated items: $pochta serve --db $db --keys data/example-keys.txt"
