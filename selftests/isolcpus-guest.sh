#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# selftests/isolcpus-guest.sh - in a 2-node VM booted with isolcpus=1 (node
# 1's only CPU isolated; make scrub-isolcpus): the node scrubbers run only on
# housekeeping CPUs, node 0's on its own CPU 0, node 1's (whose CPUs are all
# isolated) on any housekeeping CPU, i.e. 0.  TAP to $VM_OUT (vm.sh --out)
# or stdout.  The module is loaded by the runner (scrub-isolcpus.suite, load=vm).
exec 3>"${VM_OUT:-/dev/stdout}"
exec >&3
fail=0 n=0
ok() {	# STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
echo "TAP version 13"
iso=$(cat /sys/devices/system/cpu/isolated 2>/dev/null)
echo "# isolated CPUs: '${iso}', kernel command line: $(cat /proc/cmdline)"
[ "$iso" = 1 ]; ok $? "the VM's CPU 1 is isolated (isolcpus=1)"
for node in 0 1; do
	pid=
	for c in /proc/[0-9]*/comm; do
		[ "$(cat "$c" 2>/dev/null)" = "nc_scrub/$node" ] && { pid=${c#/proc/}; pid=${pid%/comm}; break; }
	done
	allowed=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/${pid:-0}/status" 2>/dev/null)
	echo "# nc_scrub/$node: pid ${pid:-none}, Cpus_allowed_list ${allowed:-?}"
	[ -n "$pid" ] && [ "$allowed" = 0 ]
	ok $? "node $node's scrubber runs on housekeeping CPU 0 only (allowed: ${allowed:-?})"
done
echo "1..$n"
exit $fail
