#!/usr/bin/env bash
# Installs the Debian 12 packages pochta builds with. Idempotent: does nothing
# when everything is present, otherwise runs `apt-get update` once and installs
# only what is missing, non-interactively. Needs root (or sudo) only then.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev
  libboost-dev libboost-graph-dev
  libabsl-dev tzdata
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  python3 python3-grpcio python3-grpc-tools python3-protobuf python3-simpy openssl bc
  clang libclang-rt-14-dev
  libjs-chart.js chromium chromium-driver python3-selenium
  openmpi-bin libopenmpi-dev
  prometheus-cpp-dev prometheus libssl-dev libsystemd-dev libspdlog-dev systemd
  wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
