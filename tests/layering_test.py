#!/usr/bin/env python3
"""The layering of pochta's folders, checked (ctest: layering).

Every #include of every C++ file under core/, storage/, sim/, services/,
cli/, bench/ and tests/ is held against these rules:

  * RocksDB headers only in storage/ (and the raw-RocksDB baseline of the
    store benchmark, bench/store_bench.cc);
  * gRPC and generated pochta.v1 headers only in services/, in the two
    clients pochta ships (cli/replay_command.cc, bench/load.cc) and in
    tests/, which drive the server as clients do;
  * core/ includes nothing of pochta outside core/;
  * storage/ includes only core/ and storage/;
  * sim/ includes only core/ and sim/ (the store is reached through
    sim::EventSink, never by including storage/);
  * services/ includes no cli/, bench/ or tests/;
  * a folder's internal/ headers are included only from inside that folder.

Exit status 0 when every include keeps the rules; otherwise each violation
is printed as FILE:LINE: what and why, and the status is 1. --self-test
checks the checker against includes that break each rule.
"""
import argparse
import pathlib
import re
import sys

FOLDERS = ("core", "storage", "sim", "services", "cli", "bench", "tests")
PROJECT = FOLDERS + ("pochta",)  # pochta/v1/...: the generated API headers
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')

ROCKSDB_ALLOWED_FILES = {"bench/store_bench.cc"}
GRPC_ALLOWED_FILES = {"cli/replay_command.cc", "bench/load.cc"}
# What each library folder may include of pochta besides itself.
MAY_INCLUDE = {
    "core": set(),
    "storage": {"core"},
    "sim": {"core"},
    "services": {"core", "storage", "sim", "pochta"},
}


def violation(path: str, header: str):
    """Why `path` may not include `header`, or None."""
    top = path.split("/", 1)[0]
    head = header.split("/", 1)[0]
    if header.startswith("rocksdb/"):
        if top != "storage" and path not in ROCKSDB_ALLOWED_FILES:
            return "RocksDB headers belong to storage/ only"
        return None
    if header.startswith(("grpcpp/", "grpc/", "grpc++/", "pochta/v1/")):
        if top not in ("services", "tests") and path not in GRPC_ALLOWED_FILES:
            return "gRPC and pochta.v1 headers belong to services/ and the clients"
        return None
    parts = header.split("/")
    if "internal" in parts[:-1]:
        owner = "/".join(parts[: parts.index("internal")])
        if not path.startswith(owner + "/"):
            return f"{owner}/internal/ is for {owner}/ only"
    if head not in PROJECT or head == top:
        return None
    if top in MAY_INCLUDE and head not in MAY_INCLUDE[top]:
        allowed = ", ".join(f"{f}/" for f in sorted(MAY_INCLUDE[top])) or "nothing"
        return f"{top}/ may include {allowed} of pochta besides itself"
    if top == "services" and head in ("cli", "bench", "tests"):
        return "services/ never includes cli/, bench/ or tests/"
    return None


def check(root: pathlib.Path):
    found = []
    for folder in FOLDERS:
        for file in sorted((root / folder).rglob("*")):
            if file.suffix not in (".h", ".cc") or "corpus" in file.parts:
                continue
            rel = file.relative_to(root).as_posix()
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                m = INCLUDE.match(line)
                if m and (why := violation(rel, m.group(1))):
                    found.append(f"{rel}:{number}: includes {m.group(1)}: {why}")
    return found


def self_test():
    breaking = [
        ("sim/postal/model.cc", "storage/tracking_store.h"),
        ("sim/trace.cc", "services/convert.h"),
        ("core/routing.cc", "storage/tracking_store.h"),
        ("core/network.cc", "sim/kernel.h"),
        ("storage/dump.cc", "services/convert.h"),
        ("cli/store_command.cc", "rocksdb/db.h"),
        ("sim/kernel.cc", "rocksdb/db.h"),
        ("cli/simulate_command.cc", "grpcpp/grpcpp.h"),
        ("storage/tracking_store.cc", "pochta/v1/types.pb.h"),
        ("cli/serve_command.cc", "services/internal/watch_hub.h"),
        ("bench/store_bench.cc", "storage/internal/keys.h"),
        ("services/server.cc", "cli/commands.h"),
    ]
    keeping = [
        ("storage/tracking_store.cc", "rocksdb/db.h"),
        ("storage/tracking_store.cc", "storage/internal/keys.h"),
        ("storage/testing/raw_baseline.h", "storage/internal/keys.h"),
        ("bench/store_bench.cc", "rocksdb/db.h"),
        ("cli/replay_command.cc", "grpcpp/grpcpp.h"),
        ("services/server.cc", "services/internal/watch_hub.h"),
        ("services/server.cc", "storage/network_route_predictor.h"),
        ("sim/postal/model.cc", "core/routing.h"),
        ("cli/simulate_command.cc", "storage/tracking_store.h"),
        ("tests/server_crash_test.cc", "pochta/v1/intake.grpc.pb.h"),
    ]
    bad = [f"not caught: {p} -> {h}" for p, h in breaking if violation(p, h) is None]
    bad += [f"refused: {p} -> {h}: {violation(p, h)}" for p, h in keeping if violation(p, h) is not None]
    return bad


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[1])
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    problems = self_test() if args.self_test else check(args.root)
    for p in problems:
        print(p)
    what = "the checker" if args.self_test else "the includes"
    print(f"layering: {len(problems)} problems with {what}" if problems else f"layering: {what} keep the rules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
