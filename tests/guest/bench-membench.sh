#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the 2-node membench VM (busybox sh) that bench/membench-run.sh
# boots with numaclaims.ko loaded.  JSON lines go to $VM_OUT, progress to
# the console.  Three runs:
#
#   make-domains  membench makes one domain per node and measures every
#                 (CPU node, memory node) pair against the Linux baseline
#   claimctl-run  the real-server recipe: a domain claimed and populated on
#                 node 1 with claimctl, measured under `claimctl run`
#   smoke         membench --smoke (placement asserted)
#
# Settings (environment): MEMBENCH_SIZES (membench size options).
set -u
out=${VM_OUT:-/dev/stdout}
SIZES=${MEMBENCH_SIZES:-"--size 24M --chase-size 8M --chase-steps 1000000 --touch-size 16M --reps 5"}
fail=0
step() { echo "membench-guest: $* (uptime $(cut -d' ' -f1 /proc/uptime))"; }

# Automatic NUMA balancing would add hinting faults to both kinds of memory
# at random moments (it moves neither: domain pages cannot move and the
# baseline is MPOL_BIND); benchmarks run without it.  membench records it.
[ -w /proc/sys/kernel/numa_balancing ] && echo 0 >/proc/sys/kernel/numa_balancing

step make-domains
# shellcheck disable=SC2086
membench --make-domains $SIZES --tag make-domains --json "$out" || fail=1

step claimctl-run
D=$(claimctl create --max 32M) &&
	claimctl claim "$D" 1:32M &&
	claimctl populate "$D" 24M --node 1 --exact --order 9 &&
	claimctl run "$D" -- membench --domain-env $SIZES --tag claimctl-run \
		--json "$out" || fail=1
[ -n "${D:-}" ] && { claimctl destroy "$D" || fail=1; }

step smoke
membench --smoke --tag smoke --json "$out" || fail=1

# Nothing may stay held or claimed once every domain is gone.
held=$(claimctl info --json | sed -n 's/.*"total":{[^}]*"held_pages":\([0-9]*\),"superpages":{[^}]*"held_pages":\([0-9]*\)[,}].*/\1 \2/p' | { read -r a b && echo $((a + b)); })
inv=$(cat /sys/kernel/debug/numaclaims/invariants 2>/dev/null)
echo "{\"bench\":\"membench\",\"test\":\"end\",\"held_pages\":${held:-null},\"invariants\":\"$inv\",\"failed\":$fail}" >"$out"
step "done, failed=$fail"
exit $fail
