#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The `make demo` scenario, run inside the two-node VM (busybox sh) with
# numaclaims.ko loaded (pool_mb=256).  A boot storm in miniature: three
# domain builders start at once, each claims its whole memory on its
# preferred node before populating it; the node that runs out refuses the
# late builder at claim time (ENOMEM, nothing allocated yet), and that
# builder retries on the other node, as the seed xc_domain_claim_pages.md
# asks of NUMA-aware builders.
set -u

# builder NAME SIZE PREFERRED OTHER: create, claim on PREFERRED (else OTHER),
# populate exactly there, then release what is left of the claim.
builder() {
	name=$1 size=$2 node=$3 other=$4
	domid=$(claimctl create --max "$size") || return 1
	for try in "$node" "$other"; do
		if err=$(claimctl claim "$domid" "$try:$size" 2>&1); then
			echo "builder $name: domain $domid claimed $size on node $try"
			claimctl populate "$domid" "$size" --node "$try" --exact --order 9 >/dev/null || return 1
			claimctl claim "$domid" clear
			echo "builder $name: domain $domid populated $size, all on node $try"
			return 0
		fi
		echo "builder $name: node $try refused the claim: ${err#claimctl: }"
		echo "builder $name: retrying on node $other"
	done
	echo "builder $name: no node can take $size; giving up before allocating anything"
	return 1
}

echo "=== before: per-node pools ==="
claimctl info
echo
echo "=== three builders start at once ==="
fail=0
builder A 160M 0 1 > /tmp/A.log 2>&1 & a=$!
builder B 64M 1 0 > /tmp/B.log 2>&1 & b=$!
builder C 160M 0 1 > /tmp/C.log 2>&1 & c=$!
wait $a || fail=1
wait $b || fail=1
wait $c || fail=1
cat /tmp/A.log /tmp/B.log /tmp/C.log
echo
echo "=== after: domains (like xl claims) ==="
claimctl list
echo
echo "=== after: per-node pools ==="
claimctl info
echo
# Every builder must have got its memory, all node-local.
grep -q "populated" /tmp/A.log && grep -q "populated" /tmp/B.log &&
	grep -q "populated" /tmp/C.log || fail=1
# A and C both want 160M of node 0's 256M: exactly one is refused and
# lands on node 1 instead.
[ "$(cat /tmp/A.log /tmp/C.log | grep -c refused)" = 1 ] || fail=1
for d in $(claimctl list --json | tr '{,' '\n\n' | sed -n 's/.*"domid": *\([0-9]*\).*/\1/p'); do
	claimctl destroy "$d"
done
echo "=== after destroying the domains ==="
claimctl info
[ "$(cat /sys/kernel/debug/numaclaims/invariants)" = ok ] || fail=1
exit $fail
