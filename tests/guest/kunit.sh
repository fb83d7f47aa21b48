#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/kunit.sh - in the debug/KUnit kernel's VM of
# tests/suites/kunit.suite (busybox sh).
#
# usage (in the guest): [KMEMLEAK=0] kunit-guest MODULE.ko...
#
# Checks the guest sees $VM_NODES nodes with memory, loads the KUnit
# modules (their suites run at insmod), copies every
# /sys/kernel/debug/kunit/<suite>/results to $VM_OUT with the kernel log
# of the run (dmesg), unloads the modules and, when the kernel has kmemleak
# (and KMEMLEAK is not 0), scans for leaks twice, once the run's objects
# are past kmemleak's 5 s minimum age.  Reports go to the console (for
# people reading the log) and to $VM_OUT between @@NUMACLAIMS-KUNIT-...@@
# markers (for the host).  Exit status: 0; 3 not $VM_NODES nodes with
# memory; 4 insmod, 5 rmmod failed; 6 leaks.
M=@@NUMACLAIMS-KUNIT
KMEMLEAK=${KMEMLEAK:-1}
out=${VM_OUT:-/dev/null}
up() { cut -d" " -f1 /proc/uptime; }
say() { echo "$M-$* t=$(up)"; echo "$M-$*" >"$out"; }
rc=0

# Multi-node really works?  Without ACPI SRAT NUMA (PCI + ACPI_NUMA) the
# kernel silently ignores QEMU's -numa and shows one node.
online=0 withmem=0
for d in /sys/devices/system/node/node[0-9]*; do
	[ -d "$d" ] || continue
	online=$((online + 1))
	kb=$(awk '/MemTotal:/ { print $4 }' "$d/meminfo")
	[ "${kb:-0}" -gt 0 ] && withmem=$((withmem + 1))
done
say "NODES@@ online=$online with_memory=$withmem expected=$VM_NODES"
if [ "$online" != "$VM_NODES" ] || [ "$withmem" != "$VM_NODES" ]; then
	say "ERROR@@ expected $VM_NODES NUMA nodes with memory"
	exit 3
fi

# No scan before the tests: a kmemleak scan costs 4-6 s under TCG and the
# kernel's own boot leaves no leak behind (checked at 2 and 4 nodes), so
# every leak reported after the run is the run's.
kml=/sys/kernel/debug/kmemleak
[ "$KMEMLEAK" = 1 ] && [ -e $kml ] || kml=

# The kernel log of the run is where the host takes the KTAP from.
dmesg -c >/dev/null
loaded=
for m in "$@"; do
	if insmod "$m"; then
		loaded="$m $loaded"
	else
		say "ERROR@@ insmod $m failed"
		rc=4
	fi
done

for f in /sys/kernel/debug/kunit/*/results; do
	[ -e "$f" ] || continue
	s=${f%/results}
	s=${s##*/}
	say "RESULTS-BEGIN@@ $s"
	cat "$f" >"$out"
	say "RESULTS-END@@ $s"
done
loaded_at=$(up)
say "KLOG-BEGIN@@"
dmesg >"$out"
say "KLOG-END@@"

# Load addresses, to resolve kmemleak backtraces into unloaded modules.
[ -z "$loaded" ] || cat /proc/modules
for m in $loaded; do
	# the module name: file name without .ko, "-" read as "_"
	m=${m##*/}
	m=$(echo "${m%.ko}" | tr - _)
	rmmod "$m" || { say "ERROR@@ rmmod $m failed"; rc=5; }
done

if [ -n "$kml" ]; then
	# kmemleak never reports objects younger than 5 s: wait until the
	# last test allocation is 6 s old.
	sleep "$(awk -v a="$loaded_at" -v b="$(up)" 'BEGIN { w = a + 6 - b; print (w > 0 ? w : 0) }')"
	# Two scans: a stale copy of a leaked pointer (say in a freed, cached
	# kthread stack) can hide a leak from one scan, and a pointer that was
	# only in a register during one scan makes a false positive; the
	# second scan reports what is unreferenced then.
	echo scan >$kml
	echo scan >$kml
	# (debugfs files have size 0: test the content, not [ -s ])
	leaks=$(cat $kml)
	if [ -n "$leaks" ]; then
		say "KMEMLEAK-BEGIN@@"
		echo "$leaks"
		echo "$leaks" >"$out"
		say "KMEMLEAK-END@@"
		rc=6
	else
		say "KMEMLEAK@@ no leaks"
	fi
fi
say "DONE@@ $rc"
exit $rc
