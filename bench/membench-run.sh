#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/membench-run.sh - membench in a 2-node QEMU VM (bench/run.sh calls
# it; it also runs alone): a domain's mapped memory against mbind-bound
# anonymous memory, for every (CPU node, memory node) pair, placement
# checked with move_pages(2), and the cost of mapping a domain against
# MAP_POPULATE.  Then bench/membench-report.py writes its section of
# docs/PERFORMANCE.md.
#
# usage: bench/membench-run.sh [--quick] [--no-vm] [--no-docs] [--raw DIR]
#                              [--nice N] [--timeout S] [--no-build]
#                              [--module PATH.ko]
#
#   --quick    smaller sizes
#   --no-vm    report from the raw file already there
#   --no-docs  print the section instead of writing docs/PERFORMANCE.md
#   --raw DIR  where membench-2.jsonl and the console log go
#              (default build/bench/raw)
#   --no-build use what is built (bench/run.sh has just built it)
#   --module   another numaclaims.ko (default build/module/numaclaims.ko)
#
# Under QEMU TCG timing is not NUMA-faithful: the report gives placement
# and ratios against the Linux baseline measured in the same run.  It
# fails only if something does not build, the VM does not finish, a kernel
# log has a splat, or a page is not on its node.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/bench-lib.sh"
timeout=900
bench_opts membench-run.sh "$@"
log() { echo "bench/membench-run.sh: $*"; }

if [ "$quick" = 1 ]; then
	sizes="--size 6M --chase-size 2M --chase-steps 200000 --touch-size 4M --reps 2"
else
	sizes="--size 24M --chase-size 8M --chase-steps 1000000 --touch-size 16M --reps 5"
fi

if [ "$vm" = 1 ]; then
	if [ "$build" = 1 ]; then
		make -C "$TOP" --no-print-directory module-vm userspace
		make -C "$TOP/bench" --no-print-directory membench
	fi
	mkdir -p "$RAW"
	rm -f "$RAW/membench-2.jsonl"
	log "VM with 2 nodes (512 MiB per node, pool 96 MiB per node)"
	# init_on_alloc=0 as bench/run.sh: Linux's baseline then zeroes a page
	# once, as populate scrubs it once.
	BENCH_ENV="MEMBENCH_SIZES='$sizes'" bench_suite bench-membench
	bench_vm_record "$RAW/membench-2.jsonl" "$(printf '"bench":"membench","test":"vm","nodes":2,"mem_per_node":"512M","pool_mb":96,"seconds":%d,"status":%d,"settings":"%s"' \
		"$secs" "$rc" "$sizes")"
	bench_vm_failed "$rc" "$RAW/console-membench-2.log" "membench\|FAILED"
	log "VM: $secs s"
fi

report=("$(bench_python)" "$TOP/bench/membench-report.py" --raw "$RAW/membench-2.jsonl")
[ "$docs" = 1 ] && report+=(--doc "$TOP/docs/PERFORMANCE.md")
"${report[@]}"
