#!/usr/bin/env bash
# The README's second command: set up, build, and run every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
ctest --preset release
