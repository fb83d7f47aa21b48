#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the 2-node VM that bench/reaper-run.sh boots (busybox sh):
# for each module given (LABEL=PATH.ko) and each node-0 pool size (MiB),
# load the module, hold one page (numaclaims_test --hold: a destroyed
# domain's page pinned by a pipe), and for the 10 s after the page became
# held count the reaper's passes and the time spent in them from the
# workqueue tracepoints (any module: the old reaper has no counters), and
# its own debugfs "reaper" figures where it has them.  Then release the
# page, wait for the reaper to take it back, unload.  One JSON line per run
# on $VM_OUT.
#
# usage: reaper-guest LABEL=KO[,LABEL=KO...] POOL_MIB...
set -u
mods=$1
shift
D=/sys/kernel/debug/numaclaims
T=/sys/kernel/tracing
[ -d $T/events ] || T=/sys/kernel/debug/tracing

wait_until() {	# TENTHS CMD...: run CMD every 0.1 s until it succeeds (at most TENTHS times)
	n=$1
	shift
	until "$@"; do
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
		n=$((n - 1))
	done
}

held_pages() {	# sum of the held_pages column of debugfs "nodes"
	awk 'NR > 1 { s += $7 } END { print s + 0 }' $D/nodes
}

none_held() {
	[ "$(held_pages)" = 0 ]
}

kv() {	# FILE KEY: the value of KEY=value, or null
	v=$(sed -n "s/^$2=//p" "$1" 2>/dev/null)
	echo "${v:-null}"
}

trace() {	# 0|1: the workqueue execute events
	echo "$1" > $T/events/workqueue/workqueue_execute_start/enable
	echo "$1" > $T/events/workqueue/workqueue_execute_end/enable
}

echo "$mods" | tr ',' '\n' | while IFS='=' read -r label ko; do
	for pool in "$@"; do
		if ! insmod "$ko" "node_pool_mb=$pool,16"; then
			echo "{\"error\":\"insmod $label pool $pool\"}"
			continue
		fi
		frames=$(awk 'NR == 2 { print $2 }' $D/nodes)
		/bin/numaclaims_test --hold >/tmp/hold.out 2>&1 &
		hold=$!
		wait_until 300 grep -q '^mapped' /tmp/hold.out ||
			echo "# no mapped line" >&2
		[ -e $D/reaper ] && echo 0 > $D/reaper
		echo > $T/trace
		echo 16384 > $T/buffer_size_kb
		trace 1
		kill -USR1 $hold
		wait_until 300 grep -q '^held' /tmp/hold.out ||
			echo "# no held line" >&2
		sleep 10
		trace 0
		cat $D/reaper > /tmp/reaper.txt 2>/dev/null || : > /tmp/reaper.txt
		# Pair each start with the next end of nc_reap_work_fn.
		grep 'nc_reap_work_fn' $T/trace | awk '
			{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i; sub(":", "", t) } }
			/workqueue_execute_start/ { s = t }
			/workqueue_execute_end/ && s != "" { n++; us += (t - s) * 1e6; if (t - s > mx) mx = t - s; s = "" }
			END { printf "%d %.0f %.0f\n", n, us, mx * 1e6 }' > /tmp/wq.txt
		read -r passes work_us max_us < /tmp/wq.txt
		kill $hold
		wait $hold 2>/dev/null
		wait_until 150 none_held
		left=$(held_pages)
		rmmod numaclaims
		echo "{\"module\":\"$label\",\"pool_mb\":$pool,\"frames\":$frames,\"seconds\":10,\"passes\":$passes,\"work_us\":$work_us,\"max_pass_us\":$max_us,\"dbg_passes\":$(kv /tmp/reaper.txt passes),\"visited\":$(kv /tmp/reaper.txt visited),\"last_visited\":$(kv /tmp/reaper.txt last_visited),\"ns\":$(kv /tmp/reaper.txt ns),\"interval_ms\":$(kv /tmp/reaper.txt interval_ms),\"held_left\":$left}"
	done
done
