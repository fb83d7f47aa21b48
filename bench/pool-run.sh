#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/pool-run.sh - pools that follow demand, measured: in one 2-node VM
# (1536 MiB per node), numaclaims with a 16 MiB pool and a capacity of
# 1040 MiB per node; node 0's pool grown by 512 MiB and shrunk back
# (sysfs pool_pages) against hugetlb's per-node nr_hugepages resized by the
# same size and against alloc_pages_node() alone (numaclaims_bench.ko),
# side by side; then a 16 MiB claim that fits the pool against
# the same claim from an empty pool with grow_on_claim (bench/poolbench.c).
# Writes build/bench/raw/pool.jsonl and prints a Markdown table
# (docs/PERFORMANCE.md); the VM is tests/suites/bench-pool.suite.  A
# benchmark: never run as a test.
#
# usage: bench/pool-run.sh [--quick] [--no-build] [--no-vm] ...
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/bench-lib.sh"
bench_opts pool-run.sh "$@"
mib=512 claim=16 rounds=5
[ "$quick" = 1 ] && mib=128 rounds=3

if [ "$vm" = 1 ]; then
	if [ "$build" = 1 ]; then
		make -s -C "$TOP" module-vm >/dev/null
		make -s -C "$TOP/bench" poolbench kmod >/dev/null
	fi
	mkdir -p "$RAW"
	rm -f "$RAW/pool.jsonl"
	BENCH_POOL_ARGS="0 $mib $claim $rounds" bench_suite bench-pool
	bench_vm_failed "$rc" "$RAW/console-pool.log" 'numaclaims\|BUG\|WARN'
fi
if [ ! -s "$RAW/pool.jsonl" ]; then
	echo "pool-run.sh: no $RAW/pool.jsonl (run without --no-vm)"
	exit 0
fi
"$(bench_python)" - "$RAW/pool.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
for r in rows:
    if "error" in r:
        print(f'poolbench failed: {r["error"]}')
        sys.exit(0)
def med(what, key):
    v = [r[key] for r in rows if r["what"] == what and key in r]
    return statistics.median(v) if v else None
print("| node 0, resized by | grow | shrink | grow GiB/s | shrink GiB/s |")
print("|---|---:|---:|---:|---:|")
for what, name in (("numaclaims", "numaclaims `pool_pages`"),
                   ("hugetlb", "hugetlb `nr_hugepages` (2 MiB pages)"),
                   ("linux", "`alloc_pages_node()` alone, order 9 (baseline)")):
    g, s = med(what, "grow_ns"), med(what, "shrink_ns")
    if g is None:
        continue
    mib = next(r["mib"] for r in rows if r["what"] == what and "mib" in r)
    got = [r.get("got_mib", mib) for r in rows if r["what"] == what and "mib" in r]
    note = f" (got {min(got)} MiB)" if min(got) < mib else ""
    shrink = (f"{s / 1e6:.1f} ms", f"{mib / 1024 / (s / 1e9):.2f}") if s else ("-", "-")
    print(f"| {name}, {mib} MiB{note} | {g / 1e6:.1f} ms | {shrink[0]} | "
          f"{mib / 1024 / (g / 1e9):.2f} | {shrink[1]} |")
f, g = med("claim_fits", "ns"), med("claim_grows", "ns")
if f is not None and g is not None:
    mib = next(r["mib"] for r in rows if r["what"] == "claim_fits")
    print()
    print(f"| a claim of {mib} MiB on node 0 | median latency |")
    print("|---|---:|")
    print(f"| fits the pool | {f / 1e3:.0f} us |")
    print(f"| grows an empty pool first (grow_on_claim) | {g / 1e3:.0f} us ({g / f:.0f}x) |")
PY
