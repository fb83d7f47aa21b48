#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/lockhold-run.sh - the longest heap-lock hold during OFFLINE_PAGES,
# ONLINE_PAGES and DOMAIN_DESTROY of 16 MiB .. 1 GiB (bench/lockhold.c), in a
# 2-node VM with a 1.1 GiB pool on node 0.  Writes build/bench/lockhold.jsonl
# and prints a Markdown table (docs/RELIABILITY.md).  A benchmark: never run
# as a test.
#
# usage: bench/lockhold-run.sh [SIZE_MIB...]   (default 16 64 256 1024)
set -u
set -o pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/bench
sizes=${*:-16 64 256 1024}
mkdir -p "$OUT"
make -s -C "$TOP" module-vm >/dev/null || exit 1
make -s -C "$TOP/bench" lockhold || exit 1
BENCH_SIZES=$sizes "$TOP/tools/run-suite.sh" bench-lockhold >&2 || exit 1
python3 - "$OUT/lockhold.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
print("| request | size | request time (one hold before) | longest hold now | frames per hold |")
print("|---|---:|---:|---:|---:|")
for r in rows:
    mib = r["pages"] * 4096 >> 20
    print(f'| {r["op"]} | {mib} MiB | {r["request_us"] / 1000:.1f} ms | {r["max_hold_us"] / 1000:.2f} ms | {r["max_frames"]} |')
PY
