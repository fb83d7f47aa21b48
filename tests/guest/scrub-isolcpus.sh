#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/scrub-isolcpus.sh - in a 2-node VM booted with isolcpus=1 (node
# 1's only CPU isolated; make scrub-isolcpus): the node scrubbers run only on
# housekeeping CPUs, node 0's on its own CPU 0, node 1's (whose CPUs are all
# isolated) on any housekeeping CPU, i.e. 0.  TAP to $VM_OUT
# or stdout.  The module is loaded by the runner (scrub-isolcpus.suite, load=vm).
# check, tap_done (tests/guest/lib.sh)
. /lib/numaclaims/guest-lib.sh
echo "TAP version 13" >&3
iso=$(cat /sys/devices/system/cpu/isolated 2>/dev/null)
echo "# isolated CPUs: '${iso}', kernel command line: $(cat /proc/cmdline)" >&3
check "the VM's CPU 1 is isolated (isolcpus=1)" [ "$iso" = 1 ]
for node in 0 1; do
	pid=
	for c in /proc/[0-9]*/comm; do
		[ "$(cat "$c" 2>/dev/null)" = "nc_scrub/$node" ] && { pid=${c#/proc/}; pid=${pid%/comm}; break; }
	done
	allowed=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/${pid:-0}/status" 2>/dev/null)
	echo "# nc_scrub/$node: pid ${pid:-none}, Cpus_allowed_list ${allowed:-?}" >&3
	check "node $node's scrubber runs on housekeeping CPU 0 only (allowed: ${allowed:-?})" \
		[ -n "$pid" -a "$allowed" = 0 ]
done
tap_done
