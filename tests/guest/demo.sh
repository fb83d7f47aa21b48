#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make demo` scenario, run inside a three-node VM (busybox sh) by
# tools/run-suite.sh demo (tests/suites/demo.suite): a boot storm of real VMs on claimed memory.
#
# Ten domain builders start at once.  Each builds one real VM: nested QEMU
# (TCG) running the tiny multiboot guest of vmguest/ in 16 MiB of RAM that is
# a numaclaims domain (memory-backend-file on /dev/numaclaims-domN,
# align=2M).  Nodes 0 and 1 have 64 MiB each for guests, four VMs' worth:
# 32 MiB of superpages (2 MiB blocks, mapped with one PMD each) and 32 MiB
# of 4 KiB pages; two builders in three prefer node 0.  Each builder asks libclaims' planner (claimctl
# build --cpu-node PREF --max-nodes 1) for its VM's whole memory on one
# node before it allocates anything: its preferred node if that has room,
# else the nearest node that has, as the seed xc_domain_claim_pages.md asks
# of NUMA-aware builders.  The builders share no lock: one that loses a race
# for the memory (ENOMEM from the claim) plans again from fresh state, and
# one that no node can take gives up at claim time, having allocated
# nothing.  Then it populates exactly there, releases what is left of its
# claim, and starts QEMU.  claimctl's claims are 4 KiB claims (it has no
# superpage claims yet), and claims limit the VMs: the populate at order 9
# takes superpages while the node has unclaimed ones, else 4 KiB blocks, so
# about half of the VMs are on superpages.  Every guest writes a pattern
# over all its RAM, checks it, reports a checksum and halts, keeping its
# memory until the storm is over; the table shows per VM its node and the
# share of its RAM QEMU maps with 2 MiB pages (smaps FilePmdMapped).
set -u
cat <<'TXT'
=== numaclaims demo: a boot storm of real VMs on claimed memory ===
10 builders start at once, one 16 MiB VM each (nested QEMU + vmguest),
7 prefer node 0, 3 prefer node 1; nodes 0 and 1 have 64 MiB each for guests:
32 MiB of superpages (2 MiB, one PMD each) and 32 MiB of 4 KiB pages.
Each builder asks libclaims' planner (claimctl build) for one node: its
preferred node if it has room, else the nearest that has; a builder that
loses a race re-plans from fresh state (no lock), and one that no node can
take gives up at claim time.  QEMU's guest RAM is the domain's device node
/dev/numaclaims-domN, mapped 2 MiB-aligned (align=2M).  The claims are 4 KiB
claims (claimctl has no superpage claims yet): a VM's order-9 populate takes
superpages while its node has free ones, else 4 KiB blocks.  "2M pages" is
the share of the VM's RAM that QEMU maps with 2 MiB pages (FilePmdMapped in
/proc/PID/smaps): 100% on superpages, 0% on 4 KiB pages.  (claimctl info
shows the 4 KiB pool; a domain's memory in claimctl list includes its
superpages.)

TXT
RV_VMS=10 RV_SIZE=16 RV_POOL=32 RV_SP_POOL=32 RV_MODES=claims RV_VERBOSE=1 realvm-storm
rc=$?
echo
if [ $rc = 0 ]; then
	echo "demo: every VM that started ran on its claimed node with the right checksum;"
	echo "demo: the builders that did not fit were refused before allocating anything."
else
	echo "demo: FAILED (status $rc)"
fi
exit $rc
