#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/scrub-run.sh - the scrubbing benchmarks (bench/run.sh calls
# it, it also runs alone): `nc_bench scrub` in a 2-node QEMU VM (populate of
# clean and of just-freed memory, scrub on and off, against the node's
# clear_page bandwidth and alloc_pages_node() in the same run; a boot storm
# right after a mass destroy, scrub=0 against scrub=1), then
# bench/scrub-engine.sh (instruction counts of the engine against 31ac1a5,
# the merge policies), then bench/scrub-report.py writes its section of
# docs/PERFORMANCE.md.
#
# usage: bench/scrub-run.sh [--quick] [--no-vm] [--no-docs] [--raw DIR]
#                           [--nice N] [--timeout S] [--no-build]
#                           [--module PATH.ko]
#
#   --quick    small sizes, for developing: figures are meaningless
#   --no-vm    report from the raw files already there
#   --no-docs  print the section instead of writing docs/PERFORMANCE.md
#   --raw DIR  where scrub-2.jsonl, scrub-engine.json and the console log
#              go (default build/bench/raw)
#   --no-build use what is built (bench/run.sh has just built it)
#   --module   another numaclaims.ko (default build/module/numaclaims.ko)
#
# Benchmarks are never tests: it fails only if something does not build,
# the VM does not finish, a kernel log has a splat or the invariants break.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/bench-lib.sh"
bench_opts scrub-run.sh "$@"
log() { echo "bench/scrub-run.sh: $*"; }

if [ "$quick" = 1 ]; then
	sizes="SCRUB_PAGES=4096 SCRUB_REPS=1 SCRUB_BUILDERS=2"
else
	sizes="SCRUB_PAGES=16384 SCRUB_REPS=5 SCRUB_BUILDERS=4"
fi
mem=512M pool=192

if [ "$vm" = 1 ]; then
	if [ "$build" = 1 ]; then
		"$TOP/tools/deps.sh" build vm bench
		make -C "$TOP" --no-print-directory module-vm userspace
		make -C "$TOP/bench" --no-print-directory all
	fi
	mkdir -p "$RAW"
	rm -f "$RAW/scrub-2.jsonl"
	log "VM with 2 nodes ($mem per node, pool $pool MiB per node)"
	# init_on_alloc=0 as bench/run.sh: alloc_pages_node() is then an
	# allocation only, and the _clear baseline one clear_page per page.
	BENCH_MEM=$mem BENCH_POOL=$pool BENCH_ENV=$sizes bench_suite bench-scrub
	bench_vm_record "$RAW/scrub-2.jsonl" "$(printf '"bench":"scrub_vm","nodes":2,"mem_per_node":"%s","pool_mb":%d,"seconds":%d,"status":%d,"settings":"%s"' \
		"$mem" "$pool" "$secs" "$rc" "$sizes")"
	bench_vm_failed "$rc" "$RAW/console-scrub-2.log" "nc_bench\|scrub-guest\|FAILED"
	log "VM: $secs s"
	log "instruction counts and merge policies of the engine (bench/scrub-engine.sh)"
	O="$OUT" "$TOP/bench/scrub-engine.sh" >"$RAW/scrub-engine.txt"
fi

report=("$(bench_python)" "$TOP/bench/scrub-report.py" --raw "$RAW")
if [ "$docs" = 1 ]; then
	report+=(--plots "$TOP/docs/perf" --doc "$TOP/docs/PERFORMANCE.md")
else
	report+=(--plots "$OUT/plots")
fi
"${report[@]}"
