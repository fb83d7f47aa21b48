#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/stress.sh - the in-VM half of the stress runs (busybox sh;
# tests/suites/stress.suite, run by stress/run_vm.sh).
#
# usage (in the guest): stress.sh KO "PARAMS" PROGRAM [ARGS...] [-- PROGRAM ...]
#
# Among a program's ARGS, @NAME names its section (default: the program's
# name) and +PARAM=VALUE is added to PARAMS for that program only (insmod
# takes the last value of a parameter given twice), e.g.
#   storm @storm-grow +pool_mb=0 +pool_grow_on_claim=1 --grow --builders 16
#
# For every PROGRAM: record each node's free memory, insmod KO with PARAMS, run
# the program (TAP on stdout), check the debugfs invariants, rmmod, and check
# that every node's free memory is back to its baseline (the pool pages went back
# to Linux).  Output goes to $VM_OUT (else stdout) in sections:
#   @@SECTION NAME@@   ... the program's TAP ...   then "unload-NAME" TAP.
# stress.suite's judge splits the sections into build/results/stress-<run>-NAME.tap.
set -u
KO=$1 PARAMS=$2
shift 2
OUT=${VM_OUT:-/dev/stdout}
# "Free" memory per node: buddy free pages plus the per-CPU page lists
# (/proc/zoneinfo: pages freed to Linux that MemFree does not show yet), plus
# the node's Slab, KernelStack and PageTables (the kernel keeps the caches it
# grew for the test's processes: a 64-builder storm leaves up to ~1 MiB
# there).  Pool pages are none of these, so a page numaclaims failed to give
# back still shows.  Noise tolerated after unload, KiB per node (measured:
# < 400 KiB): a lost 2 MiB pool chunk, or 192 lost pages, would not hide
# (checked with a module that keeps 1 page in 128 at unload: 256 pages per
# node, off by 1040-1064 KiB).
# numaclaims' own kernel allocations are checked by kmemleak (debug kernel)
# and by hostile's AUTODESTROY churn test.
TOL_KB=${STRESS_TOL_KB:-768}

memfree() {	# "node:KiB ..." for every node, see TOL_KB above
	awk 'FILENAME == "/proc/zoneinfo" && /^Node/ { n = $2; sub(",", "", n) }
	     FILENAME == "/proc/zoneinfo" && $1 == "pages" && $2 == "free" { f[n] += $3 * 4 }
	     FILENAME == "/proc/zoneinfo" && $1 == "count:" { f[n] += $2 * 4 }
	     FILENAME != "/proc/zoneinfo" && ($3 == "Slab:" || $3 == "KernelStack:" ||
					      $3 == "PageTables:") { f[$2] += $4 }
	     END { for (n in f) printf "%s:%d ", n, f[n] }' \
		/proc/zoneinfo /sys/devices/system/node/node*/meminfo
}

settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches 2>/dev/null
}

run_one() {	# NAME CMD...
	name=$1
	shift
	echo "@@SECTION $name@@" > "$OUT"
	settle
	before=$(memfree)
	if ! insmod "$KO" $PARAMS $extra; then
		echo "not ok 1 - insmod $KO $PARAMS $extra" > "$OUT"
		return
	fi
	start=$(cut -d' ' -f1 /proc/uptime)
	"$@" > /tmp/prog.out 2> /tmp/prog.err
	st=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	cat /tmp/prog.out > "$OUT"
	# stderr to the console, for the log
	cat /tmp/prog.err
	inv=$(cat /sys/kernel/debug/numaclaims/invariants 2>&1)
	echo "@@SECTION unload-$name@@" > "$OUT"
	{
		echo "TAP version 13"
		echo "# FIG time.$name $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
		if [ "$st" = 0 ]; then
			echo "ok 1 - $name exited with status 0"
		else
			echo "not ok 1 - $name exited with status $st"
		fi
		if [ "$inv" = ok ]; then
			echo "ok 2 - $name: debugfs invariants ok at the end"
		else
			echo "not ok 2 - $name: debugfs invariants: $inv"
		fi
		if rmmod numaclaims; then
			echo "ok 3 - $name: rmmod numaclaims"
		else
			echo "not ok 3 - $name: rmmod numaclaims"
		fi
		settle
		after=$(memfree)
		i=4
		worst=0
		for b in $before; do
			node=${b%%:*} kb=${b#*:}
			a=$(echo " $after" | sed -n "s/.* $node:\([0-9]*\).*/\1/p")
			d=$((kb - a))
			[ $d -lt 0 ] && d=$((-d))
			[ $d -gt $worst ] && worst=$d
			if [ $d -le "$TOL_KB" ]; then
				echo "ok $i - $name: node $node free memory back to baseline after unload (off by $d KiB)"
			else
				echo "not ok $i - $name: node $node free memory $a KiB after unload, $kb KiB before (off by $d KiB)"
			fi
			i=$((i + 1))
		done
		echo "# FIG unload.free_off_kb.$name $worst"
		echo "1..$((i - 1))"
	} > "$OUT"
}

while [ $# -gt 0 ]; do
	name=$(basename "$1")
	args=""
	extra=""
	cmd=$1
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		@*) name=${1#@} ;;
		+*) extra="$extra ${1#+}" ;;
		*) args="$args $1" ;;
		esac
		shift
	done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086
	run_one "$name" "$cmd" $args
done
# On a kmemleak kernel (the debug kernel): every object the run allocated is
# older than kmemleak's 5 s minimum age after this sleep; two scans, as
# tests/guest/kunit.sh does, then the report (also to the console, where
# splat-check sees it).
kml=/sys/kernel/debug/kmemleak
if [ -e $kml ] && [ -w $kml ]; then
	echo "@@SECTION kmemleak@@" > "$OUT"
	sleep 6
	echo scan > $kml
	echo scan > $kml
	leaks=$(cat $kml)
	{
		echo "TAP version 13"
		if [ -z "$leaks" ]; then
			echo "ok 1 - kmemleak: no unreferenced object after the run"
		else
			echo "not ok 1 - kmemleak: $(echo "$leaks" | grep -c '^unreferenced object') unreferenced objects"
		fi
		echo "# FIG kmemleak.objects $(echo "$leaks" | grep -c '^unreferenced object')"
		echo "1..1"
	} > "$OUT"
	[ -z "$leaks" ] || echo "$leaks"
fi
echo "@@SECTION end@@" > "$OUT"
