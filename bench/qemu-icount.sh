#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/qemu-icount.sh - qemu-system-x86_64 with an instruction counter for
# a clock: tests/suites/bench-icount.suite sets QEMU to it (bench/run.sh).
#
# -icount shift=0: the guest's virtual clock advances 1 ns per guest
# instruction executed (each iteration of a rep-prefixed instruction counts
# as one), so every time the guest measures, clock_gettime() in user space
# or ktime_get_ns() in the kernel, reads instructions.  Such figures are
# exact and repeatable, whatever the host's load.  icount needs
# single-threaded TCG; the guest should boot with maxcpus=1 (secondary
# vCPUs do not come up under icount).
args=()
prev=
for a in "$@"; do
	if [ "$prev" = -accel ] && [ "$a" = tcg ]; then
		a=tcg,thread=single
	fi
	args+=("$a")
	prev=$a
done
exec "${QEMU_BIN:-qemu-system-x86_64}" -icount shift=0 "${args[@]}"
