#!/usr/bin/env bash
# The README's second command: set up, build, and run every test through
# ctest: the release suite, then each fuzz target (clang with ASan and UBSan)
# over its seed corpus and for a short bounded run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --preset release
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz
