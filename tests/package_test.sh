#!/usr/bin/env bash
# The Debian package, installed the way a clean machine installs it: cpack
# builds the .deb from this build tree; dpkg installs it into an empty root
# (its own dpkg database; the libraries it depends on are this machine's);
# and the installed program, run from outside any source tree with a bare
# environment, finds its data beside itself and routes and simulates.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "package_test: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$dir/out" >"$dir/cpack.log" 2>&1) || fail "cpack: $(cat "$dir/cpack.log")"
deb=$(ls "$dir"/out/pochta_*_amd64.deb)

# The dependencies are the Debian packages of the libraries it links.
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | awk '{print $1}')
for lib in librocksdb7.8 'libgrpc++1.51' libprotobuf32 libprometheus-cpp-pull1.0 tzdata; do
  grep -qxF "$lib" <<<"$depends" || fail "Depends lacks $lib: $(dpkg-deb -f "$deb" Depends)"
done
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
[[ $conffiles == $'/etc/pochta/keys.txt\n/etc/pochta/pochta.conf' ]] || fail "conffiles: $conffiles"

root=$dir/root
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
# The maintainer scripts run outside the root, with DPKG_ROOT naming it (no
# shell inside); they find no systemd there and leave it alone.
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$dir/dpkg.log" 2>&1 ||
  fail "dpkg -i: $(cat "$dir/dpkg.log")"
dpkg --root="$root" -s pochta | grep -q '^Status: install ok installed' || fail "not installed"
for f in usr/bin/pochta usr/share/pochta/uz-network.txt usr/share/pochta/operators.txt \
  usr/share/pochta/scenarios/h1-2025.scenario usr/share/pochta/example-keys.txt etc/pochta/keys.txt \
  etc/pochta/pochta.conf lib/systemd/system/pochta.service; do
  [[ -f $root/$f ]] || fail "$f not installed"
done
# AddressSanitizer names each instrumented file by the path it was compiled
# from, whatever the prefix map says; a sanitizer build is never shipped.
if ! grep -q -F __asan_init "$root/usr/bin/pochta" && grep -q -F "$source" "$root/usr/bin/pochta"; then
  fail "the program holds the source tree's path $source"
fi

run() {  # the sanitizer builds' options kept
  (cd "$dir" && env -i PATH=/usr/bin:/bin ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "$root/usr/bin/pochta" "$@")
}
run route --help | grep -q -F "$root/usr/share/pochta/uz-network.txt" || fail "route's default network is not the installed one"
route=$(run route 140105 --json)
python3 -c 'import json, sys; r = json.load(sys.stdin); assert r["office"]["code"] == "140105", r' <<<"$route" ||
  fail "route 140105: $route"
run simulate h1-2025 --until 10 --db "$dir/store" >"$dir/simulate.txt" || fail "simulate: $(cat "$dir/simulate.txt")"
run store verify "$dir/store" >"$dir/verify.txt" || fail "store verify: $(cat "$dir/verify.txt")"
# systemd accepts the unit as it is, its program the one installed here
# (verify looks for ExecStart's file); it says nothing when all is well.
sed "s|/usr/bin/pochta|$root/usr/bin/pochta|" "$root/lib/systemd/system/pochta.service" >"$dir/pochta.service"
verified=$(systemd-analyze verify "$dir/pochta.service" 2>&1) || fail "systemd-analyze verify: $verified"
[[ -z $verified ]] || fail "systemd-analyze verify: $verified"

# Removal keeps the configuration; purge takes it.
dpkg --root="$root" --force-script-chrootless -r pochta >"$dir/dpkg.log" 2>&1 || fail "dpkg -r: $(cat "$dir/dpkg.log")"
[[ ! -e $root/usr/bin/pochta && -f $root/etc/pochta/keys.txt && -f $root/etc/pochta/pochta.conf ]] ||
  fail "dpkg -r did not remove the program and keep the configuration"
dpkg --root="$root" --force-script-chrootless -P pochta >"$dir/dpkg.log" 2>&1 || fail "dpkg -P: $(cat "$dir/dpkg.log")"
[[ ! -e $root/etc/pochta/keys.txt ]] || fail "dpkg -P left /etc/pochta/keys.txt"

echo "package_test: $(basename "$deb") installed into a clean root, routed and simulated from it, removed and purged"
