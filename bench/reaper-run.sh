#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/reaper-run.sh - the reaper's cost with one page held (issue 21 item
# 3): in one 2-node VM (1.5 GiB per node), numaclaims with a 16 MiB and a
# 1100 MiB pool on node 0, one page pinned past its domain's destroy, and
# for the next 10 s the reaper's passes, the time spent in them
# (workqueue tracepoints) and the frames it visited (debugfs "reaper").
# --old-module KO runs the same against another build (e.g. the reaper
# before the held list, which scanned a bitmap of the whole pool every
# 50 ms).  Writes build/bench/raw/reaper.jsonl and prints a Markdown table
# (docs/PERFORMANCE.md).  A benchmark: never run as a test.
#
# usage: bench/reaper-run.sh [--old-module KO] [--quick] [--no-build] ...
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/bench-lib.sh"
old=
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--old-module)	old=$(realpath "$2"); shift ;;
	*)		args+=("$1") ;;
	esac
	shift
done
bench_opts reaper-run.sh "${args[@]+"${args[@]}"}"
pools="16 1100"
[ "$quick" = 1 ] && pools="16 256"

if [ "$vm" = 1 ]; then
	if [ "$build" = 1 ]; then
		make -s -C "$TOP" module-vm >/dev/null
		make -s -C "$TOP/selftests" >/dev/null
	fi
	mkdir -p "$RAW"
	rm -f "$RAW/reaper.jsonl"
	BENCH_OLD_MODULE=$old BENCH_POOLS=$pools bench_suite bench-reaper
	bench_vm_failed "$rc" "$RAW/console-reaper.log" 'numaclaims\|BUG\|WARN'
fi
if [ ! -s "$RAW/reaper.jsonl" ]; then
	echo "reaper-run.sh: no $RAW/reaper.jsonl (run without --no-vm)"
	exit 0
fi
"$(bench_python)" - "$RAW/reaper.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
print("| reaper | pool (node 0) | passes in 10 s | time in passes | longest pass | frames visited | per pass | interval after 10 s |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    if "error" in r:
        print(f'| {r["error"]} |'); continue
    vis = r["visited"]
    per = f'{vis / r["dbg_passes"]:.0f}' if vis is not None and r["dbg_passes"] else \
        f'{r["frames"]} (bitmap)'
    vis = vis if vis is not None else f'{r["frames"] * r["passes"]} (bitmap bits)'
    iv = f'{r["interval_ms"]} ms' if r["interval_ms"] is not None else "50 ms (fixed)"
    print(f'| {r["module"]} | {r["pool_mb"]} MiB ({r["frames"]} frames) | {r["passes"]} | '
          f'{r["work_us"] / 1000:.2f} ms | {r["max_pass_us"]} us | {vis} | {per} | {iv} |')
PY
