#!/usr/bin/env bash
# Builds the release preset and the Debian package of it (CPack, the
# CMakeLists' install rules): build/release/pochta_VERSION_amd64.deb.
# Install it on any Debian 12 machine with
#   sudo apt install ./pochta_VERSION_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build/release
cpack -G DEB >/dev/null
ls "$PWD"/pochta_*_amd64.deb
