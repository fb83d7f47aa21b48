#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/run.sh - the numaclaims benchmarks (`make bench`).
#
# usage: bench/run.sh [--quick] [--nodes "2 4 8"] [--no-vm] [--no-docs]
#                     [--nice N] [--timeout S]
#
# Builds numaclaims.ko, libclaims, the in-kernel baseline module
# numaclaims_bench.ko and the benchmark programs; boots one QEMU VM per node
# count (2, 4 and 8 nodes) and runs tests/guest/bench.sh in it: ioctl cost against
# a null ioctl, populate against alloc_pages_node()+clear_page and raw
# page-clearing bandwidth, 1-2-4 builders at once, the heap-lock experiment
# and the boot-storm placement with and without claims.  Then the ioctl
# benchmark once more in a 4-node VM whose clock counts guest instructions
# (QEMU -icount, bench/qemu-icount.sh): exact instructions per call, kernel
# included.  Then callgrind on the userspace build of the claims engine,
# then bench/membench-run.sh: a domain's mapped memory against the Linux
# baseline (membench, in a 2-node VM of its own, its own section of the doc),
# then bench/realvm-storm.sh: a boot storm of real nested-QEMU VMs, claim
# sets against QEMU's host-nodes binding (its own section of the doc), then
# bench/scrub-run.sh: Xen's scrubbing model, populate of clean and dirty
# memory and storms after a mass destroy, scrub=0 against scrub=1 (its own
# section), then bench/superpage-run.sh: a boot storm of VMs of 2 MiB
# extents on a fragmented node with superpage claims, 4 KiB claims and no
# claims, and the first touch of superpages against 4 KiB pages, THP and
# hugetlb (its own section), then bench/reaper-run.sh: the reaper's passes
# and time with one page held, small and large pool.  The VMs above load
# numaclaims with scrub=0: their populate figures are of the populate that
# clears.
# Writes:
#
#   build/bench/results.json     everything, machine-readable
#   build/bench/raw/             per-VM JSON lines, console logs, callgrind
#   docs/perf/*.png              the plots
#   docs/PERFORMANCE.md          the generated blocks (tables, verdicts)
#
#   --quick      small sizes and one VM (2 nodes) unless --nodes says more:
#                for developing, figures are meaningless
#   --nodes L    node counts to run (default "2 4 8")
#   --no-vm      skip the VMs; report from the raw files already there
#   --no-docs    print the tables instead of writing docs/
#   --nice N     niceness of the VMs (default 10: the host is shared)
#
# Benchmarks are never tests: nothing here fails on a figure.  It fails only
# if something does not build, a VM does not finish, or a kernel log has a
# splat.  Under QEMU TCG timing is not NUMA-faithful; see docs/PERFORMANCE.md.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/bench-lib.sh"	# OUT, RAW, module, bench_suite
quick=0 vm=1 docs=1 nice=10 timeout=1800
nodes_list="2 4 8"
nodes_given=0

while [ $# -gt 0 ]; do
	case "$1" in
	--quick)	quick=1 ;;
	--nodes)	nodes_list=$2; nodes_given=1; shift ;;
	--no-vm)	vm=0 ;;
	--no-docs)	docs=0 ;;
	--nice)		nice=$2; shift ;;
	--timeout)	timeout=$2; shift ;;
	-h|--help)	sed -n '3,44s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)		echo "run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$quick" = 1 ] && [ "$nodes_given" = 0 ] && nodes_list=2

t_start=$(date +%s)
log() { echo "bench/run.sh: $*"; }

# ---- build -------------------------------------------------------------------
"$TOP/tools/deps.sh" build vm bench
make -C "$TOP" --no-print-directory module-vm userspace
make -C "$TOP/bench" --no-print-directory all

# ---- VMs ---------------------------------------------------------------------
# Per node count: memory per node, pool per node (MiB), builders, populate
# nodes.  Pools leave the node enough free Linux memory for the in-kernel
# baselines (which allocate PAGES pages from Linux on the same node).
vm_config() {
	case "$1" in
	2) echo "512M 192 '1 2' '0 1'" ;;
	4) echo "512M 192 '1 2 4' '0'" ;;
	8) echo "256M 96 '1 2 4' '0'" ;;
	*) echo "256M 96 '1 2 4' '0'" ;;
	esac
}

if [ "$quick" = 1 ]; then
	sizes="PAGES=4096 REPS=2 ROUNDS=2 ITERS=2000 SEEDS=1"
else
	sizes="PAGES=16384 REPS=7 ROUNDS=7 ITERS=10000 SEEDS=5"
fi

if [ "$vm" = 1 ]; then
	rm -rf "$RAW"
	mkdir -p "$RAW"
	for n in $nodes_list; do
		eval "set -- $(vm_config "$n")"
		mem=$1 pool=$2 builders=$3 popnodes=$4
		log "VM with $n nodes ($mem per node, pool ${pool} MiB per node)"
		# scrub=0 and init_on_alloc=0: tests/suites/bench.suite says why;
		# bench/scrub-run.sh measures scrub=1.
		BENCH_MEM=$mem BENCH_POOL=$pool \
			BENCH_ENV="$sizes BUILDERS='$builders' POP_NODES='$popnodes'" bench_suite "bench-$n"
		printf '{"bench":"vm","nodes":%d,"mem_per_node":"%s","pool_mb":%d,"seconds":%d,"status":%d,"settings":"%s"}\n' \
			"$n" "$mem" "$pool" "$secs" "$rc" "$sizes" >>"$RAW/vm-$n.jsonl"
		if [ "$rc" != 0 ]; then
			log "VM with $n nodes failed (status $rc); console: $RAW/console-$n.log"
			grep -a "nc_bench\|FAILED" "$RAW/console-$n.log" | tail -20 || true
			exit 1
		fi
		log "VM with $n nodes: $secs s"
	done

	# Instructions per ioctl: the same benchmark in a VM whose clock is
	# an instruction counter (1 ns = 1 guest instruction), so its "ns" are
	# exact instruction counts of the whole path (syscall, LSM hooks,
	# module), whatever the host's load.  One vCPU (icount is
	# single-threaded), 4 nodes so that a 4-entry set fits.
	log "VM with 4 nodes counting instructions (QEMU -icount)"
	bench_suite bench-icount
	printf '{"bench":"vm","nodes":4,"mem_per_node":"256M","pool_mb":16,"seconds":%d,"status":%d,"settings":"icount shift=0, maxcpus=1, ITERS=1000 ROUNDS=3"}\n' \
		"$secs" "$rc" >>"$RAW/icount-4.jsonl"
	if [ "$rc" != 0 ]; then
		log "the icount VM failed (status $rc); console: $RAW/console-icount-4.log"
		grep -a "nc_bench\|FAILED" "$RAW/console-icount-4.log" | tail -20 || true
		exit 1
	fi
	log "VM counting instructions: $secs s"
fi

# ---- callgrind on the userspace engine ----------------------------------------
log "callgrind on the claims engine"
mkdir -p "$RAW"
valgrind --tool=callgrind --callgrind-out-file="$RAW/callgrind.out" \
	"$OUT/engine_bench" >"$RAW/engine_bench.jsonl" 2>"$RAW/callgrind.log"
callgrind_annotate --inclusive=yes --threshold=100 "$RAW/callgrind.out" \
	>"$RAW/callgrind.txt" 2>/dev/null

# ---- host facts, report ---------------------------------------------------------
t_end=$(date +%s)
{
	printf '{"bench":"host"'
	printf ',"cpu_model":"%s"' "$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
	printf ',"cpus":%d' "$(nproc)"
	printf ',"hypervisor":"%s"' "$(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -1)"
	printf ',"l3":"%s"' "$(lscpu | sed -n 's/^L3 cache: *//p' | head -1)"
	printf ',"mem_gib":%d' $(( $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1048576 ))
	printf ',"host_kernel":"%s"' "$(uname -r)"
	printf ',"qemu":"%s"' "$(qemu-system-x86_64 --version | head -1)"
	printf ',"guest_kernel":"%s"' "$("$TOP/tools/kver.sh")"
	printf ',"valgrind":"%s"' "$(valgrind --version)"
	printf ',"gcc":"%s"' "$(gcc -dumpfullversion)"
	printf ',"git":"%s"' "$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	printf ',"date":"%s"' "$(date -u +%Y-%m-%dT%H:%MZ)"
	printf ',"quick":%s' "$([ "$quick" = 1 ] && echo true || echo false)"
	printf ',"nice":%d' "$nice"
	printf ',"loadavg":"%s"' "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf ',"seconds":%d}\n' $((t_end - t_start))
} >"$RAW/host.jsonl"

# python3-matplotlib (tools/deps.sh bench) is Debian's: use Debian's python
# even when another python3 (pyenv, venv) comes first on PATH.
PY=python3
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null && PY=/usr/bin/python3
if [ "$docs" = 1 ]; then
	"$PY" "$TOP/bench/report.py" --raw "$RAW" --json "$OUT/results.json" \
		--plots "$TOP/docs/perf" --doc "$TOP/docs/PERFORMANCE.md"
else
	"$PY" "$TOP/bench/report.py" --raw "$RAW" --json "$OUT/results.json" \
		--plots "$OUT/plots" --print
fi
"$TOP/bench/membench-run.sh" --no-build --raw "$RAW" --nice "$nice" --timeout "$timeout" \
	$([ "$quick" = 1 ] && echo --quick) $([ "$vm" = 0 ] && echo --no-vm) \
	$([ "$docs" = 0 ] && echo --no-docs)
"$TOP/bench/realvm-storm.sh" --raw "$RAW" --nice "$nice" --timeout "$timeout" \
	$([ "$quick" = 1 ] && echo --quick) $([ "$vm" = 0 ] && echo --no-vm) \
	$([ "$docs" = 0 ] && echo --no-docs)
# Scrubbing: clean against dirty populate, storms after a mass
# destroy with scrub=0 and scrub=1, the engine's instruction counts.
"$TOP/bench/scrub-run.sh" --no-build --raw "$RAW" --nice "$nice" --timeout "$timeout" \
	$([ "$quick" = 1 ] && echo --quick) $([ "$vm" = 0 ] && echo --no-vm) \
	$([ "$docs" = 0 ] && echo --no-docs)
# Superpages: fragmentation against a boot storm, first touch.
"$TOP/bench/superpage-run.sh" --no-build --raw "$RAW" --nice "$nice" --timeout "$timeout" \
	$([ "$quick" = 1 ] && echo --quick) $([ "$vm" = 0 ] && echo --no-vm) \
	$([ "$docs" = 0 ] && echo --no-docs)
# The longest heap-lock hold of the bulk requests (docs/RELIABILITY.md).
if [ "$vm" = 1 ]; then
	"$TOP/bench/lockhold-run.sh" $([ "$quick" = 1 ] && echo 16 64) |
		tee "$OUT/lockhold.md"
fi
# Pools that follow demand: resize rates, claims that grow (docs/PERFORMANCE.md).
"$TOP/bench/pool-run.sh" --no-build --raw "$RAW" --nice "$nice" --timeout "$timeout" \
	$([ "$quick" = 1 ] && echo --quick) $([ "$vm" = 0 ] && echo --no-vm) |
	tee "$OUT/pool.md"
# The reaper with one page held, small and large pool (docs/PERFORMANCE.md).
"$TOP/bench/reaper-run.sh" --no-build --raw "$RAW" --nice "$nice" --timeout "$timeout" \
	$([ "$quick" = 1 ] && echo --quick) $([ "$vm" = 0 ] && echo --no-vm) |
	tee "$OUT/reaper.md"
log "done in $(( $(date +%s) - t_start )) s: $OUT/results.json"
