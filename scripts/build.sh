#!/usr/bin/env bash
# Installs what is missing, then configures and builds the release preset
# (incrementally; ccache keeps rebuilds cheap). Shared by demo.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
