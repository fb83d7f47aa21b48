#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the benchmark VM (busybox sh), started by bench/run.sh with
# numaclaims.ko and numaclaims_bench.ko loaded.  Every benchmark writes JSON
# lines to $VM_OUT (the clean serial channel); progress goes to the console.
#
# Settings (environment, set by run.sh): PAGES (per populate / builder),
# REPS, ROUNDS, ITERS (ioctl), SEEDS, BUILDERS ("1 2 4"), POP_NODES
# ("0 1"), STEPS (which benchmarks, default all).
set -u
out=${VM_OUT:-/dev/stdout}
PAGES=${PAGES:-16384}
REPS=${REPS:-7}
ROUNDS=${ROUNDS:-7}
ITERS=${ITERS:-10000}
SEEDS=${SEEDS:-5}
BUILDERS=${BUILDERS:-"1 2 4"}
POP_NODES=${POP_NODES:-0}
STEPS=${STEPS:-"info ioctl engine populate scale lock placement"}

bargs=
for b in $BUILDERS; do bargs="$bargs --builders $b"; done
nargs=
for n in $POP_NODES; do nargs="$nargs --node $n"; done

fail=0
for step in $STEPS; do
	echo "nc_bench: $step (uptime $(cut -d' ' -f1 /proc/uptime))"
	case $step in
	info)		nc_bench info ;;
	ioctl)		nc_bench ioctl --iters "$ITERS" --rounds "$ROUNDS" ;;
	engine)		nc_bench engine --pages 4096 ;;
	populate)	nc_bench populate --pages "$PAGES" --reps "$REPS" $nargs ;;
	scale)		nc_bench scale --pages "$PAGES" --reps "$REPS" $bargs ;;
	lock)		nc_bench lock --pages "$PAGES" $bargs ;;
	placement)	nc_bench placement --seeds "$SEEDS" ;;
	*)		echo "bench.sh: unknown step $step" >&2; false ;;
	esac >"$out" || { echo "nc_bench: $step FAILED"; fail=1; }
done
inv=$(cat /sys/kernel/debug/numaclaims/invariants 2>/dev/null)
echo "{\"bench\":\"end\",\"invariants\":\"$inv\",\"failed\":$fail}" >"$out"
exit $fail
