#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the 2-node scrubbing VM (busybox sh) that bench/scrub-run.sh
# boots with numaclaims.ko (scrub=1) and numaclaims_bench.ko loaded: `nc_bench
# scrub` (populate of clean and dirty memory against the node's clear_page
# bandwidth and alloc_pages_node(); a boot storm right after a mass destroy
# with scrub=0 and scrub=1).  JSON lines go to $VM_OUT, progress to the
# console.
#
# Settings (environment): SCRUB_PAGES, SCRUB_REPS, SCRUB_BUILDERS,
# SCRUB_BATCH, SCRUB_NODES ("0 1").
set -u
out=${VM_OUT:-/dev/stdout}
nargs=
for n in ${SCRUB_NODES:-0 1}; do nargs="$nargs --node $n"; done
echo "scrub-guest: nc_bench scrub (uptime $(cut -d' ' -f1 /proc/uptime))"
fail=0
# shellcheck disable=SC2086
nc_bench scrub --pages "${SCRUB_PAGES:-16384}" --reps "${SCRUB_REPS:-5}" \
	--builders "${SCRUB_BUILDERS:-4}" --batch "${SCRUB_BATCH:-16}" $nargs \
	>"$out" || fail=1
inv=$(cat /sys/kernel/debug/numaclaims/invariants 2>/dev/null)
echo "{\"bench\":\"scrub_end\",\"invariants\":\"$inv\",\"failed\":$fail}" >"$out"
echo "scrub-guest: done, failed=$fail"
exit $fail
