#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/superpage-run.sh - the superpage benchmarks (bench/run.sh calls it,
# it also runs alone): bench/spbench in a 2-node QEMU VM, numaclaims.ko
# loaded afresh for every step by tests/guest/bench-superpage.sh.
#
#   frag   a node churned by domains of mixed sizes and orders, then a storm
#          of builders at once, each building a VM of order-9 extents with
#          superpage claims, with 4 KiB claims, and without claims (each mode
#          on a freshly loaded module after the same churn)
#   touch  mmap + first touch of a superpage domain, a 4 KiB domain,
#          anonymous memory (MAP_POPULATE, 4 KiB, THP) and hugetlb
#
# then bench/superpage-report.py writes its section of docs/PERFORMANCE.md.
#
# usage: bench/superpage-run.sh [--quick] [--no-vm] [--no-docs] [--raw DIR]
#                               [--nice N] [--timeout S] [--no-build]
#                               [--module PATH.ko]
#
#   --quick    one seed, fewer churn rounds, 32 MiB touched: for developing
#   --no-vm    report from the raw file already there
#   --no-docs  print the section instead of writing docs/PERFORMANCE.md
#   --raw DIR  where superpage-2.jsonl and the console log go
#              (default build/bench/raw)
#   --no-build use what is built (bench/run.sh has just built it)
#   --module   another numaclaims.ko (default build/module/numaclaims.ko)
#
# Benchmarks are never tests: it fails only if something does not build,
# the VM does not finish, a kernel log has a splat or the invariants break.
# Under QEMU TCG timing is not hardware-faithful; counts (VMs, superpages,
# faults) are exact.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/bench-lib.sh"
bench_opts superpage-run.sh "$@"
log() { echo "bench/superpage-run.sh: $*"; }

if [ "$quick" = 1 ]; then
	sizes="SP_SEEDS=1 SP_ROUNDS=2 SP_TOUCH_MIB=32 SP_TOUCH_REPS=2"
else
	sizes="SP_SEEDS='1 2 3' SP_ROUNDS=4 SP_TOUCH_MIB=128 SP_TOUCH_REPS=4"
fi
# Node 0's pools for the storm (node 1 has none): 160 MiB of 4 KiB pages
# and 64 MiB of superpages; 8 builders of 16 MiB each.
sizes="$sizes SP_POOL_MB=160 SP_SUPER_MB=64 SP_BUILDERS=8 SP_VM_MIB=16 SP_KEEP=50 SP_PUNCH=75"
mem=512M

if [ "$vm" = 1 ]; then
	if [ "$build" = 1 ]; then
		"$TOP/tools/deps.sh" build vm bench
		make -C "$TOP" --no-print-directory module-vm
		make -C "$TOP/bench" --no-print-directory spbench
	fi
	mkdir -p "$RAW"
	rm -f "$RAW/superpage-2.jsonl"
	log "VM with 2 nodes ($mem per node; numaclaims.ko loaded per step)"
	BENCH_MEM=$mem BENCH_ENV=$sizes bench_suite bench-superpage
	bench_vm_record "$RAW/superpage-2.jsonl" "$(printf '"bench":"sp_vm","nodes":2,"mem_per_node":"%s","seconds":%d,"status":%d,"settings":"%s"' \
		"$mem" "$secs" "$rc" "${sizes//\'/}")"
	bench_vm_failed "$rc" "$RAW/console-superpage-2.log" "spbench\|superpage-guest\|FAILED"
	log "VM: $secs s"
fi

report=("$(bench_python)" "$TOP/bench/superpage-report.py" --raw "$RAW/superpage-2.jsonl")
[ "$docs" = 1 ] && report+=(--doc "$TOP/docs/PERFORMANCE.md")
"${report[@]}"
