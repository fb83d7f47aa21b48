#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/membench-smoke.sh - `make membench-smoke`, inside the 2-node VM
# with numaclaims.ko loaded: membench --smoke (tiny sizes, one repetition)
# over domains it makes itself and over a domain a builder made with
# claimctl and handed over with `claimctl run`.  A test, not a benchmark:
# it asserts placement (move_pages agrees with numaclaims on every page)
# and that nothing stays held or claimed, never a timing.  TAP on $VM_OUT.
set -u
exec 3>"${VM_OUT:-/dev/null}"
n=0 fail=0
result() {	# STATUS TEXT
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2" >&3; else echo "not ok $n $2" >&3; fail=1; fi
	echo "membench-smoke: $1 $2"
}
echo "1..4" >&3
membench --smoke >/tmp/smoke1.out 2>&1
result $? "membench --smoke: every page of every domain and baseline on its node"
D=$(claimctl create --max 8M) && claimctl claim "$D" 1:4M >/dev/null &&
	claimctl populate "$D" 4M --node 1 --exact >/dev/null
result $? "builder: create, claim 4M on node 1, populate"
claimctl run "$D" -- membench --domain-env --smoke >/tmp/smoke2.out 2>&1
result $? "claimctl run DOMID -- membench --domain-env --smoke"
claimctl destroy "$D"
held=$(claimctl info --json | sed -n 's/.*"total":{[^}]*"held_pages":\([0-9]*\),"superpages":{[^}]*"held_pages":\([0-9]*\)[,}].*/\1 \2/p' | { read -r a b && echo $((a + b)); })
inv=$(cat /sys/kernel/debug/numaclaims/invariants)
st=1
[ "$held" = 0 ] && [ "$inv" = ok ] && [ "$(claimctl list | grep -c '^ *[0-9]')" = 0 ] && st=0
result $st "afterwards: no domain, 0 pages held (${held:-?}), invariants $inv"
[ "$fail" = 0 ] || { cat /tmp/smoke1.out /tmp/smoke2.out; }
exit $fail
