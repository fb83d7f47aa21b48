#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/realvm-storm.sh - a boot storm of real tiny VMs (busybox sh, run in
# the three-node test VM of tests/suites/realvm-storm.suite and demo.suite;
# loads /lib/numaclaims/numaclaims.ko itself, once per mode).
#
# RV_VMS builders (default 10) start at once, each for one VM of RV_SIZE MiB
# (default 16) that prefers node 0 (two builders in three) or node 1.  Nodes
# 0 and 1 each have RV_POOL MiB (default 64) for guest RAM, so not every VM
# fits on its preferred node, and not every VM fits at all; in claims mode
# they also have RV_SP_POOL MiB of superpages (default 0), which the
# builders claim first (claimctl build --superpages: a superpage claim, so
# the VM's RAM is all on 2 MiB pages) before they fall back to 4 KiB.  Node 2 holds
# the QEMU processes themselves (numactl --preferred=2) and has no pool.
# Each VM runs vmguest with "hold": it writes and checks all its RAM, then
# halts, keeping its memory until the storm is over.  Modes (RV_MODES):
#
#   claims     numaclaims pools of RV_POOL MiB (and RV_SP_POOL MiB of
#              superpages) on nodes 0 and 1.  The
#              builder creates a domain and asks libclaims' planner
#              (claimctl build --cpu-node PREF --max-nodes 1) for its whole
#              size on one node: the preferred node if it has room, else
#              the nearest that has; a claim another builder beat it to is
#              planned again from fresh state; nothing fits: it gives up
#              (nothing allocated yet).  Then it populates exactly on the
#              planned node, releases the leftover claim and starts QEMU
#              with memory-backend-file,mem-path=/dev/numaclaims-domN (one
#              backend, one node: QEMU 7.2 cannot split a domain file).
#   bind       QEMU's own placement: memory-backend-ram,host-nodes=N,
#              policy=bind,prealloc=on.  Nodes 0 and 1 have RV_POOL MiB free
#              for Linux (the rest is held by a numaclaims pool nobody uses),
#              above the high watermark.  The builder checks the node's free
#              memory, else the other node's, else gives up, then starts
#              QEMU, which may still fail while preallocating (the check
#              races with the other builders).  vm.oom_kill_allocating_task=1
#              so the OOM killer takes the QEMU that is allocating
#              (RV_OOM_KILL_ALLOCATING=0: Linux's default, the OOM killer
#              picks the largest process whose memory policy allows the
#              node, which can be a VM that is already running).
#   preferred  the same with policy=preferred: QEMU never fails; what does
#              not fit on the node lands elsewhere.
#
# Per VM one JSON line to $VM_OUT, then one summary line per mode; a table on
# the console.  RV_VERBOSE=1 (make demo): per-node tables before and after,
# every builder's story, and per VM the share of its RAM that QEMU maps with
# 2 MiB pages (smaps FilePmdMapped; JSON "pmd_percent").  Exit status 0 when every mode ran and, in claims
# mode, every started VM checked out and the counters went back to zero.
set -u
. /lib/realvm/realvm-lib.sh
rv_no_numa_balancing

vms=${RV_VMS:-10}
size=${RV_SIZE:-16}
pool=${RV_POOL:-64}
sp_pool=${RV_SP_POOL:-0}
modes=${RV_MODES:-claims bind preferred}
verbose=${RV_VERBOSE:-0}
ko=/lib/numaclaims/numaclaims.ko
out=${VM_OUT:-/dev/null}
exec 3>"$out"
status=0

# The builders' shells must survive the OOM killer; QEMU gets it back.
echo -1000 >/proc/self/oom_score_adj
echo "${RV_OOM_KILL_ALLOCATING:-1}" >/proc/sys/vm/oom_kill_allocating_task

say() { echo "$*"; }
vsay() { [ "$verbose" = 1 ] && echo "$*"; return 0; }
pref_of() { [ $(($1 % 3)) = 2 ] && echo 1 || echo 0; }

# qemu_start DIR MEM_ARGS SEED: start the VM in the background, pid in
# DIR/pid; then wait until it holds (0) or QEMU is gone (1), 120 s at most.
qemu_start() {
	: >"$1/con"
	sh -c "echo 0 >/proc/self/oom_score_adj; exec numactl --preferred=2 \
		$(rv_qemu_base "$1/con" "$size") $2 -append 'seed=$3 hold'" \
		>"$1/err" 2>&1 </dev/null &
	echo $! >"$1/pid"
	_i=0
	while [ $_i -lt 1200 ]; do
		grep -q '^vmguest: holding' "$1/con" && return 0
		if ! kill -0 "$(cat "$1/pid")" 2>/dev/null; then
			wait "$(cat "$1/pid")"
			echo $? >"$1/rc"
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# res DIR KEY=VALUE...: the builder's result, read back by the driver
res() { _d=$1; shift; for kv in "$@"; do echo "$kv"; done >>"$_d/res"; }

# After QEMU died: did it get to run the guest?
death() {
	if grep -q '^vmguest: start' "$1/con"; then echo boot; else echo prealloc; fi
}

builder_claims() {	# DIR VM PREF
	dir=$1 i=$2 p=$3
	d=$(claimctl create --max "${size}M") || { res "$dir" phase=create t=$(($(rv_now_ms) - t0)); return; }
	res "$dir" domid="$d"
	# The planner: one node (one backend file), the preferred one first;
	# with superpages, a superpage claim first (the guest's RAM on 2 MiB
	# pages, guaranteed), else 4 KiB pages.
	kind=
	if [ "$sp_pool" != 0 ] &&
	   plan=$(claimctl build "$d" "${size}M" --cpu-node "$p" --max-nodes 1 --superpages 2>&1); then
		kind=" as superpages"
	elif ! plan=$(claimctl build "$d" "${size}M" --cpu-node "$p" --max-nodes 1 2>&1); then
		kind=none
	fi
	if [ "$kind" != none ]; then
		n=$(echo "$plan" | tr ' ' '\n' | sed -n 's/^nodes=//p')
		a=$(echo "$plan" | tr ' ' '\n' | sed -n 's/^attempts=//p')
		vsay "  VM $i: domain $d claimed ${size}M$kind on node $n$([ "$n" != "$p" ] && echo " (node $p full)")$([ "$a" != 1 ] && echo ", planned $a times (lost $((a - 1)) race(s))")"
		res "$dir" node="$n" attempts="$a" t_claim=$(($(rv_now_ms) - t0))
		if ! claimctl populate "$d" "${size}M" --node "$n" --exact --order 9 >/dev/null; then
			res "$dir" phase=populate t=$(($(rv_now_ms) - t0))
			return
		fi
		claimctl claim "$d" clear
		if qemu_start "$dir" "$(rv_mem_file "$size" "$(rv_dev "$d")")" "$i"; then
			res "$dir" phase=running t=$(($(rv_now_ms) - t0))
		else
			res "$dir" phase="$(death "$dir")" t=$(($(rv_now_ms) - t0))
		fi
		return
	fi
	case "$plan" in
	*ENOMEM*) vsay "  VM $i: no node has ${size}M unclaimed: refused at claim time, nothing allocated" ;;
	*) vsay "  VM $i: claim failed: $plan" ;;
	esac
	claimctl destroy "$d"
	res "$dir" phase=claim t=$(($(rv_now_ms) - t0))
}

builder_anon() {	# DIR VM PREF POLICY
	dir=$1 i=$2 p=$3 o=$((1 - $3)) pol=$4
	for n in $p $o; do
		avail=$(( $(rv_node_free_kb "$n") - $(rv_wmark_kb "$n") ))
		if [ "$avail" -ge $((size * 1024)) ]; then
			res "$dir" node="$n" t_claim=$(($(rv_now_ms) - t0))
			if qemu_start "$dir" "$(rv_mem_anon "$size" "$n" "$pol")" "$i"; then
				res "$dir" phase=running t=$(($(rv_now_ms) - t0))
			else
				res "$dir" phase="$(death "$dir")" t=$(($(rv_now_ms) - t0))
			fi
			return
		fi
	done
	res "$dir" phase=check t=$(($(rv_now_ms) - t0))
}

settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo 1 >/proc/sys/vm/compact_memory
	sleep 1
}

get() { sed -n "s/^$2=//p" "$1/res" | tail -n1; }

nodes_table() {
	if [ "$1" = claims ]; then
		claimctl info
	else
		for n in 0 1 2; do
			printf 'node %s: free %6d KiB (high watermark %d KiB)\n' "$n" \
				"$(rv_node_free_kb $n)" "$(rv_wmark_kb $n)"
		done
	fi
}

run_mode() {	# MODE
	mode=$1
	w=/tmp/storm/$mode
	rm -rf "$w"
	mkdir -p "$w"
	settle
	if [ "$mode" = claims ]; then
		insmod "$ko" node_pool_mb="$pool,$pool,0" node_superpage_mb="$sp_pool,$sp_pool,0" ||
			{ say "insmod failed"; return 1; }
	else
		# leave $pool MiB above the high watermark on nodes 0 and 1
		# (a ballast pool: it takes most of the node deliberately, so
		# pool_max_percent=100);
		# free memory drifts while the last storm's memory comes back,
		# so measure again after loading and correct (up to 3 tries)
		m0=0 m1=0 try=0
		while :; do
			off=0
			for n in 0 1; do
				eval "m=\$m$n"
				e=$(( ($(rv_node_free_kb $n) - $(rv_wmark_kb $n)) / 1024 - pool ))
				[ $e -gt 2 ] || [ $e -lt -2 ] && off=1
				m=$(( (m + e) / 2 * 2 ))
				[ $m -lt 0 ] && m=0
				eval "m$n=\$m"
			done
			[ $try -gt 0 ] && [ $off = 0 ] && break
			[ $try -gt 0 ] && rmmod numaclaims && settle
			[ $try -ge 3 ] && break
			insmod "$ko" node_pool_mb="$m0,$m1,0" pool_max_percent=100 ||
				{ say "insmod failed"; return 1; }
			settle
			try=$((try + 1))
		done
		lsmod | grep -q '^numaclaims' ||
			insmod "$ko" node_pool_mb="$m0,$m1,0" pool_max_percent=100 ||
			{ say "insmod failed"; return 1; }
	fi
	baseline=$(info_json)
	say "=== $mode: before the storm ==="
	nodes_table "$mode"
	vsay "=== $mode: $vms builders start at once ==="
	t0=$(rv_now_ms)
	pids=
	i=0
	while [ $i -lt "$vms" ]; do
		mkdir -p "$w/$i"
		p=$(pref_of $i)
		echo "pref=$p" >"$w/$i/res"
		if [ "$mode" = claims ]; then
			builder_claims "$w/$i" $i "$p" &
		else
			builder_anon "$w/$i" $i "$p" "$mode" &
		fi
		pids="$pids $!"
		i=$((i + 1))
	done
	for p in $pids; do wait "$p"; done
	t_all=$(( $(rv_now_ms) - t0 ))

	say "=== $mode: after the storm ($t_all ms) ==="
	nodes_table "$mode"
	[ "$verbose" = 1 ] && [ "$mode" = claims ] && claimctl list
	started=0 f_claim=0 f_prealloc=0 f_boot=0 f_other=0 moved=0 okvm=0 badvm=0
	share_sum=0 pmd_all=0 pmd_none=0 pmd_some=0
	[ "$verbose" = 1 ] && printf '%-4s %-5s %-5s %-10s %7s  %-22s %-26s %-8s %s\n' VM pref node outcome t_ms \
		"guest RAM (numa_maps)" "numaclaims node pages" "2M pages" checksum
	i=0
	while [ $i -lt "$vms" ]; do
		dir=$w/$i
		p=$(get "$dir" pref)
		n=$(get "$dir" node)
		ph=$(get "$dir" phase)
		t=$(get "$dir" t)
		d=$(get "$dir" domid)
		maps='' ncp='' share=null ck=- pmd=-
		if [ "$ph" = running ]; then
			started=$((started + 1))
			[ "$n" != "$p" ] && moved=$((moved + 1))
			pid=$(cat "$dir/pid")
			if [ "$mode" = claims ]; then
				maps=$(rv_numa_maps "$pid" "file=$(rv_dev "$d")")
				ncp="0:$(rv_dom_node_pages "$d" 0) 1:$(rv_dom_node_pages "$d" 1)"
				# share of its resident guest RAM on 2 MiB pages (smaps)
				pmd=$(rv_pmd_share "$pid" "$(rv_dev "$d")")
				case "$pmd" in
				100%)	pmd_all=$((pmd_all + 1)) ;;
				0%)	pmd_none=$((pmd_none + 1)) ;;
				*%)	pmd_some=$((pmd_some + 1)) ;;
				esac
			else
				# the guest RAM: the mapping with QEMU's mbind() policy
				maps=$(rv_numa_maps "$pid" " (bind|prefer)[=a-z]*:$n anon=")
			fi
			# share of the mapped guest RAM on the node the builder chose
			share=$(echo "$maps" | tr ' ' '\n' | awk -v n="$n" -F= '
				/^N/ { t += $2; if ($1 == "N" n) l += $2 }
				END { if (t) printf "%.3f", l / t; else print "null" }')
			hi=$(rv_field "$dir/con" hi)
			if [ -n "$hi" ] && [ "$(rv_field "$dir/con" bad)" = 00000000 ] &&
			   [ "$(rv_field "$dir/con" sum)" = "$(rv_sum "0x$i" "0x$hi")" ]; then
				ck=ok okvm=$((okvm + 1))
			else
				ck=BAD badvm=$((badvm + 1))
			fi
			[ "$share" != null ] && share_sum=$(awk -v a="$share_sum" -v b="$share" 'BEGIN { print a + b }')
			# claim sets promise the node: every page on it, both views
			if [ "$mode" = claims ] && { [ "$share" != 1.000 ] ||
			   [ "$(rv_dom_node_pages "$d" "$n")" != $((size * 256)) ]; }; then
				say "VM $i: domain $d is not all on node $n: numa_maps $maps, numaclaims $ncp"
				status=1
			fi
		else
			case "$ph" in
			claim|check)	f_claim=$((f_claim + 1)) ;;
			prealloc)	f_prealloc=$((f_prealloc + 1)) ;;
			boot)		f_boot=$((f_boot + 1)) ;;
			*)		f_other=$((f_other + 1)) ;;
			esac
		fi
		rc=$(cat "$dir/rc" 2>/dev/null || echo null)
		[ "$verbose" = 1 ] && printf '%-4s %-5s %-5s %-10s %7s  %-22s %-26s %-8s %s\n' "$i" "$p" "${n:--}" "$ph" "$t" \
			"${maps:--}" "${ncp:--}" "$pmd" "$ck"
		pmd_json=null
		[ "$pmd" != - ] && pmd_json=${pmd%\%}
		printf '{"bench":"realvm-storm","mode":"%s","vm":%d,"size_mib":%d,"preferred":%d,"node":%s,"outcome":"%s","t_ms":%s,"qemu_status":%s,"numa_maps":"%s","numaclaims_pages":"%s","share":%s,"pmd_percent":%s,"checksum":"%s"}\n' \
			"$mode" "$i" "$size" "$p" "${n:-null}" "$ph" "${t:-null}" "$rc" "$maps" "$ncp" "$share" "$pmd_json" "$ck" >&3
		i=$((i + 1))
	done
	[ "$mode" = claims ] &&
		vsay "=== claims: $pmd_all VMs with all their RAM on 2 MiB pages, $pmd_none on 4 KiB pages, $pmd_some on both ==="
	mean=$(awk -v s="$share_sum" -v n="$started" 'BEGIN { if (n) printf "%.3f", s / n; else print "null" }')
	printf '{"bench":"realvm-storm-summary","mode":"%s","vms":%d,"size_mib":%d,"pool_mib":%d,"started":%d,"failed_claim":%d,"failed_prealloc":%d,"failed_boot":%d,"failed_other":%d,"moved":%d,"mean_share":%s,"checksum_ok":%d,"checksum_bad":%d,"storm_ms":%d}\n' \
		"$mode" "$vms" "$size" "$pool" "$started" "$f_claim" "$f_prealloc" "$f_boot" "$f_other" \
		"$moved" "$mean" "$okvm" "$badvm" "$t_all" >&3
	echo "$mode $started $f_claim $f_prealloc $f_boot $f_other $moved $mean $okvm $t_all" >>/tmp/storm/summary
	[ "$badvm" = 0 ] || status=1

	# the storm is over: stop the VMs, wait until their memory is free
	i=0
	while [ $i -lt "$vms" ]; do
		[ -s "$w/$i/pid" ] && kill "$(cat "$w/$i/pid")" 2>/dev/null
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$vms" ]; do
		j=0
		while [ -s "$w/$i/pid" ] && kill -0 "$(cat "$w/$i/pid")" 2>/dev/null && [ $j -lt 100 ]; do
			sleep 0.1
			j=$((j + 1))
		done
		i=$((i + 1))
	done
	settle
	if [ "$mode" = claims ]; then
		for d in $(claimctl list --json | tr '{,' '\n\n' | sed -n 's/^"domid":\([0-9]*\).*/\1/p'); do
			claimctl destroy "$d"
		done
		if [ "$(info_json)" != "$baseline" ] ||
		   [ "$(cat /sys/kernel/debug/numaclaims/invariants)" != ok ]; then
			say "claims: the counters are not back to the baseline"
			claimctl info
			status=1
		fi
		vsay "=== claims: after destroying every domain ==="
		[ "$verbose" = 1 ] && claimctl info
	fi
	rmmod numaclaims || status=1
}

rm -rf /tmp/storm
mkdir -p /tmp/storm
: >/tmp/storm/summary
say "boot storm: $vms VMs of $size MiB, two in three prefer node 0; $pool MiB for guests on each of nodes 0 and 1$([ "$sp_pool" != 0 ] && echo ", and $sp_pool MiB of superpages in claims mode")"
for m in $modes; do
	run_mode "$m" || status=1
done
say ""
say "mode       started  refused-at-check/claim  died-in-prealloc  died-in-boot  moved  RAM-on-chosen-node  storm"
while read -r m st fc fp fb fo mv mean okvm tall; do
	printf '%-10s %4s/%-3s %12s %20s %13s %6s %16s %8s ms\n' "$m" "$st" "$vms" "$fc" "$fp" "$fb" "$mv" "$mean" "$tall"
done </tmp/storm/summary
exit $status
