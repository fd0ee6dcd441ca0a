#!/usr/bin/env bash
# The README's second command: set up, build, and run every test through
# ctest: the release suite; the whole suite again under AddressSanitizer and
# UndefinedBehaviorSanitizer (any report fails it); pochta's concurrent
# suites under ThreadSanitizer; then each fuzz target
# (clang with ASan and UBSan) over its seed corpus and for a short bounded
# run. Each configuration has its own build directory, so only what changed
# is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --preset release
cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan
cmake --preset tsan >/dev/null
cmake --build --preset tsan
ctest --preset tsan
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
ctest --preset fuzz
