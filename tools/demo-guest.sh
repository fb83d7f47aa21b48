#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make demo` scenario, run inside a three-node VM (busybox sh) by
# tools/realvm.sh demo: a boot storm of real VMs on claimed memory.
#
# Ten domain builders start at once.  Each builds one real VM: nested QEMU
# (TCG) running the tiny multiboot guest of vmguest/ in 16 MiB of RAM that is
# a numaclaims domain (memory-backend-file on /dev/numaclaims-domN).  Nodes
# 0 and 1 have 64 MiB of pool each, four VMs' worth, and two builders in
# three prefer node 0.  Each builder asks libclaims' planner (claimctl
# build --cpu-node PREF --max-nodes 1) for its VM's whole memory on one
# node before it allocates anything: its preferred node if that has room,
# else the nearest node that has, as the seed xc_domain_claim_pages.md asks
# of NUMA-aware builders.  The builders share no lock: one that loses a race
# for the memory (ENOMEM from the claim) plans again from fresh state, and
# one that no node can take gives up at claim time, having allocated
# nothing.  Then it populates exactly there, releases what is left of its
# claim, and starts QEMU.  Every guest writes a pattern over all its RAM, checks it, reports
# a checksum and halts, keeping its memory until the storm is over.
set -u
cat <<'TXT'
=== numaclaims demo: a boot storm of real VMs on claimed memory ===
10 builders start at once, one 16 MiB VM each (nested QEMU + vmguest),
7 prefer node 0, 3 prefer node 1; nodes 0 and 1 have 64 MiB each for guests.
Each builder asks libclaims' planner (claimctl build) for one node: its
preferred node if it has room, else the nearest that has; a builder that
loses a race re-plans from fresh state (no lock), and one that no node can
take gives up at claim time.  QEMU's guest RAM is the domain's device node
/dev/numaclaims-domN.

TXT
RV_VMS=10 RV_SIZE=16 RV_POOL=64 RV_MODES=claims RV_VERBOSE=1 realvm-storm
rc=$?
echo
if [ $rc = 0 ]; then
	echo "demo: every VM that started ran on its claimed node with the right checksum;"
	echo "demo: the builders that did not fit were refused before allocating anything."
else
	echo "demo: FAILED (status $rc)"
fi
exit $rc
