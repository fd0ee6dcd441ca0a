#!/usr/bin/env bash
# The README's first command: set up, build, and run the main job, a routing
# demo over the shipped Uzbekistan network file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
pochta=build/release/pochta

echo; echo "== pochta network: the shipped network, validated"
$pochta network
echo; echo "== pochta route 140105: a parcel for Samarkand, at the office of exchange"
$pochta route 140105
echo; echo "== the same parcel with the Tashkent-Samarkand trunk road closed"
$pochta route 140105 --close-link UZTASA:SC-SKD
echo; echo "== a parcel for Nukus flies; from the Nukus sorting centre, a return to Tashkent"
$pochta route 230105
$pochta route 100000 --from SC-NCU
