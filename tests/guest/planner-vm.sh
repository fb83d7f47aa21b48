#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The builder planner (claimctl build, libclaims' claims_build_claim())
# against the real module in a 4-node VM whose SLIT distances are
# asymmetric (QEMU -numa dist), busybox sh.  `make planner-vm` runs it:
# tests/suites/planner-vm.suite (4 nodes of 256 MiB, the distance matrix
# 10,12,20,22/30,10,21,20/20,22,10,11/21,20,13,10, node_pool_mb=80,84,70,70).
#
# The pools are those of planner-unit's 4-node case (40G, 42G, 35G, 35G
# there in 2 MiB units), so the plans are the ones the unit test expects
# from the pure planner, now read from the live host: HOST_INFO and the
# distances Linux took from QEMU's SLIT.  Then a storm of parallel
# `claimctl build`s: each builder succeeds or is refused at claim time,
# none fails populating; then stress/storm (the C builders, re-planning
# on lost races) on this topology.  After each part every counter is
# back at its baseline.
set -u
out=/tmp/planner-vm.out
# pass, fail, check, run, tap_done (tests/guest/lib.sh)
. /lib/numaclaims/guest-lib.sh

# HOST_INFO as JSON without scrub_pages: the scrubbers change those on
# their own, while a domain's pages being freed shows in every other figure.
info_json() { claimctl info --json 2>&1 | sed 's/"scrub_pages":[0-9]*,//g'; }
baseline() { info_json >/tmp/baseline.json; cp /tmp/baseline.json /tmp/baseline-$1.json; }
use_baseline() { cp /tmp/baseline-$1.json /tmp/baseline.json; }
at_baseline() {	# NAME: every counter as at the last baseline, invariants ok
	info_json >/tmp/now.json
	inv=$(cat /sys/kernel/debug/numaclaims/invariants 2>&1)
	: >"$out"
	if cmp -s /tmp/baseline.json /tmp/now.json && [ "$inv" = ok ]; then
		pass "$1: every counter back at its baseline, invariants ok"
	else
		{ echo "baseline:"; cat /tmp/baseline.json; echo "now:"; cat /tmp/now.json
		  echo "invariants: $inv"; } >"$out"
		fail "$1: counters not back at the baseline"
	fi
}

# populate DOMID SET: every part of a plan's set= (N:Pp, host:Pp)
populate_set() {
	_d=$1
	for part in $(echo "$2" | tr ',' ' '); do
		_t=${part%%:*} _p=${part#*:}
		_p=${_p%p}
		_o=0
		[ $((_p % 512)) = 0 ] && _o=9
		if [ "$_t" = host ]; then
			claimctl populate "$_d" "${_p}p" --order $_o || return 1
		else
			claimctl populate "$_d" "${_p}p" --node "$_t" --exact --order $_o || return 1
		fi
	done
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# ---- the topology Linux booted with ----
want="10 12 20 22/30 10 21 20/20 22 10 11/21 20 13 10"
got=""
for i in 0 1 2 3; do
	got="$got${got:+/}$(cat /sys/devices/system/node/node$i/distance)"
done
echo "distances: $got" >"$out"
check "Linux has QEMU's asymmetric SLIT ($want)" [ "$got" = "$want" ]
run "4 pools" 0 '^numaclaims: 4 nodes with a pool' claimctl info
baseline empty

run "create --max 512M" 0 '^[0-9]+$' claimctl create --max 512M
D=$(cat "$out")
baseline domain

# ---- plans (the pure planner's 4-node cases, from the live host) ----
M=512	# pages of 2 MiB; the unit test's "G"
run "one node: the CPU node (60M from node 2)" 0 \
	"^set=2:$((30 * M))p nodes=2 cpu_nodes=2 kind=one-node distance=10 " \
	claimctl build "$D" 60M --cpu-node 2 --dry-run
run "node 2 too small: nearest by 2->n, node 0 (20)" 0 \
	"^set=0:$((38 * M))p nodes=0 cpu_nodes=2 kind=one-node distance=20 " \
	claimctl build "$D" 76M --cpu-node 2 --dry-run
run "from node 3: node 1 (3->1 is 20, 3->0 is 21)" 0 \
	"^set=1:$((38 * M))p nodes=1 cpu_nodes=3 kind=one-node distance=20 " \
	claimctl build "$D" 76M --cpu-node 3 --dry-run
run "no CPU node, 120M: the tight pair 2,3 (13), not 0,1 (12 but 30 back)" 0 \
	"^set=2:$((30 * M))p,3:$((30 * M))p nodes=2-3 cpu_nodes=2-3 kind=nodes distance=13 " \
	claimctl build "$D" 120M --dry-run
run "from node 0: 0,1 (0->1 is 12)" 0 \
	"^set=0:$((40 * M))p,1:$((20 * M))p nodes=0-1 cpu_nodes=0 kind=nodes distance=12 " \
	claimctl build "$D" 120M --cpu-node 0 --dry-run
run "from node 1: 1,3 (1->0 is 30)" 0 \
	"^set=1:$((42 * M))p,3:$((18 * M))p nodes=1,3 cpu_nodes=1 kind=nodes distance=20 " \
	claimctl build "$D" 120M --cpu-node 1 --dry-run
run "the same plan as JSON (claimctl's conventions)" 0 \
	"^\{\"domid\":$D,\"page_size\":4096,\"installed\":false,\"kind\":\"nodes\",\"nodes\":\[\{\"node\":1,\"claimed_pages\":$((42 * M))\},\{\"node\":3,\"claimed_pages\":$((18 * M))\}\],\"superpages\":\[\],\"host\":\{\"claimed_pages\":0\},\"total\":\{\"claimed_pages\":$((60 * M))\},\"mem_nodes\":\[1,3\],\"cpu_nodes\":\[1\],\"distance\":20,\"attempts\":0\}\$" \
	claimctl --json build "$D" 120M --cpu-node 1 --dry-run
run "200M: three nodes 1,2,3 (22)" 0 \
	"^set=1:$((33 * M))p,2:$((34 * M))p,3:$((33 * M))p nodes=1-3 cpu_nodes=1-3 kind=nodes distance=22 " \
	claimctl build "$D" 200M --dry-run
run "bound 12: no pair fits 120M: ENOMEM at once, nothing installed" 1 \
	'ENOMEM.*no plan for 120 MiB fits now \(0 installs tried' \
	claimctl build "$D" 120M --max-distance 12
run "nodes 2,3, one node only, 80M: refused" 1 'ENOMEM' \
	claimctl build "$D" 80M --nodes 2,3 --max-nodes 1
at_baseline "refused builds"

# ---- install, populate exactly, release ----
run "build 120M from node 1: installed" 0 \
	"^set=1:$((42 * M))p,3:$((18 * M))p nodes=1,3 cpu_nodes=1 kind=nodes distance=20 attempts=1" \
	claimctl build "$D" 120M --cpu-node 1
set_=$(field "$(cat "$out")" set)
run "the claim set is the plan" 0 \
	"1[^0-9]+$((42 * M))[^0-9].*3[^0-9]+$((18 * M))[^0-9]" claimctl claims "$D" --json
: >"$out"
check "populate the plan's parts exactly on their nodes" populate_set "$D" "$set_"
run "the domain's pages are on the plan's nodes, all of them" 0 \
	"^1,3 $((120 << 20))\$" claimctl run "$D" -- sh -c 'echo $NUMACLAIMS_MEM_NODES $NUMACLAIMS_MEM_SIZE'
run "release the claim" 0 '' claimctl claim "$D" clear
run "one node only + spread: node 2's 70M, 10M host-wide, installed" 0 \
	"^set=2:$((35 * M))p,host:$((5 * M))p nodes=2 cpu_nodes=2 kind=spread distance=10 attempts=1" \
	claimctl build "$D" 80M --nodes 2 --max-nodes 1 --spread --cpu-node 2
set_=$(field "$(cat "$out")" set)
: >"$out"
check "populate the spread: node 2's part exactly, the host part anywhere" populate_set "$D" "$set_"
run "the domain has its 120M + 80M" 0 \
	"^[0-9,-]+ $((200 << 20))\$" claimctl run "$D" -- sh -c 'echo $NUMACLAIMS_MEM_NODES $NUMACLAIMS_MEM_SIZE'
run "destroy" 0 '' claimctl destroy "$D"
use_baseline empty
at_baseline "build, populate, destroy"

# ---- bad input: a clear error, nothing changes ----
run "create" 0 '^[0-9]+$' claimctl create --max 64M
D=$(cat "$out")
baseline small
run "--cpu-node 7 on a 4-node host" 1 'EINVAL.*--cpu-node 7: the host has nodes 0-3' \
	claimctl build "$D" 16M --cpu-node 7
run "--nodes 9" 1 'the host has nodes 0-3' claimctl build "$D" 16M --nodes 9
run "--max-distance 5" 2 'below the local distance 10' claimctl build "$D" 16M --max-distance 5
run "--cpu-node and --vcpus" 2 'not both' claimctl build "$D" 16M --cpu-node 0 --vcpus 2
run "size 0" 2 'must not be 0' claimctl build "$D" 0
run "above the domain's max: EINVAL, nothing installed" 1 'EINVAL.*above the domain' \
	claimctl build "$D" 128M
run "no such domain" 1 'ESRCH' claimctl build 999999 16M
at_baseline "bad input"
run "destroy" 0 '' claimctl destroy "$D"
use_baseline empty

# ---- a storm of parallel claimctl builds: no lock, all or nothing at claim time ----
B=12
i=0
while [ $i -lt $B ]; do
	(
		d=$(claimctl create --max 128M) || { echo "create-failed" >/tmp/b.$i; exit; }
		cpu=$((i % 4))
		if o=$(claimctl build "$d" $((40 + (i % 5) * 12))M --cpu-node $cpu 2>/tmp/b.$i.err); then
			s=$(field "$o" set)
			if populate_set "$d" "$s" >/dev/null 2>&1 && claimctl claim "$d" clear; then
				echo "admitted $d $s $(field "$o" attempts)" >/tmp/b.$i
			else
				echo "populate-failed $d $s" >/tmp/b.$i
			fi
		elif grep -q ENOMEM /tmp/b.$i.err; then
			claimctl destroy "$d"
			echo "refused" >/tmp/b.$i
		else
			echo "error $(cat /tmp/b.$i.err)" >/tmp/b.$i
		fi
	) &
	i=$((i + 1))
done
wait
cat /tmp/b.* >"$out" 2>&1
adm=$(grep -c '^admitted' "$out") ref=$(grep -c '^refused' "$out")
check "storm of $B builders: each admitted or refused at claim time ($adm admitted, $ref refused)" \
	[ $((adm + ref)) = $B ]
check "storm: no populate failed after an accepted claim" \
	sh -c "! grep -q populate-failed '$out'"
check "storm: some refused (demand is above the pools)" [ "$ref" -gt 0 ]
for d in $(grep '^admitted' /tmp/b.* | cut -d' ' -f2); do claimctl destroy "$d"; done
at_baseline "storm of claimctl builds"

# ---- stress/storm's C builders (re-planning on lost races) on this host ----
storm --builders 24,48 --hogs 2 --seed "${PLANNER_SEED:-7}" >/tmp/storm.tap 2>/tmp/storm.err
st=$?
cp /tmp/storm.tap "$out"
cat /tmp/storm.err >>"$out"
check "stress/storm on the asymmetric host: exit 0" [ $st = 0 ]
check "stress/storm: every TAP result ok" sh -c "! grep -q '^not ok' /tmp/storm.tap"
grep '^# FIG' /tmp/storm.tap | sed 's/^/# /' >&3
at_baseline "stress/storm"

tap_done
