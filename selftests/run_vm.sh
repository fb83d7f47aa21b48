#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# selftests/run_vm.sh - run the numaclaims kselftests in a QEMU VM.
#
# usage: selftests/run_vm.sh [options] [-- FILTER...]
#
#   --nodes N           emulated NUMA nodes (default 2)
#   --mem-per-node SIZE memory per node (default 512M)
#   --kernel PATH       kernel image (default: tools/vm.sh's, the Debian 6.1
#                       kernel); use with --module built against it
#   --module PATH.ko    numaclaims.ko to test (default build/module/numaclaims.ko,
#                       built with `make module-vm` if missing)
#   --params "K=V ..."  module parameters (default "pool_mb=64 debug=1": the page hook)
#   --suffix S          results file suffix (default: empty, or
#                       -<kernel basename> with --kernel)
#   --timeout SECONDS   whole VM run (default 1200)
#   --results DIR       put the TAP and the console log in DIR instead
#   FILTER...           run only tests whose fixture.test contains a FILTER
#
# Builds build/selftests/numaclaims_test if needed (make -C selftests), boots
# the VM with tools/vm.sh, and runs selftests/guest.sh inside: it records
# every node's MemFree, insmods the module, checks each node lost its pool,
# runs the suite, rmmods, and checks each node got its memory back.  Outputs:
#   build/results/selftests-<N>nodes<suffix>.tap   the TAP (clean channel)
#   build/vm/selftests-<N>nodes<suffix>.log        the console
# then runs tools/splat-check.sh on the console and prove on the TAP.
# Exit status: 0 all passed and no splat; 1 failures or splat; 2 usage or
# build error; other: tools/vm.sh's status (124 timeout, 125 VM).
set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)

nodes=2 mem=512M kernel= module= params="pool_mb=64 debug=1" suffix= suffix_set=0
timeout=1200 filters=() results=
usage() { sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit "${1:-2}"; }
need() { [ $# -ge 2 ] || { echo "run_vm.sh: $1 needs an argument" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case "$1" in
	--nodes)	need "$@"; nodes=$2; shift ;;
	--mem-per-node)	need "$@"; mem=$2; shift ;;
	--kernel)	need "$@"; kernel=$2; shift ;;
	--module)	need "$@"; module=$2; shift ;;
	--params)	need "$@"; params=$2; shift ;;
	--suffix)	need "$@"; suffix=$2; suffix_set=1; shift ;;
	--timeout)	need "$@"; timeout=$2; shift ;;
	--results)	need "$@"; results=$2; shift ;;
	-h|--help)	usage 0 ;;
	--)		shift; filters=("$@"); break ;;
	*)		echo "run_vm.sh: unknown option $1" >&2; usage ;;
	esac
	shift
done
[[ $nodes =~ ^[1-9][0-9]*$ ]] || { echo "run_vm.sh: bad --nodes '$nodes'" >&2; exit 2; }
if [ -n "$kernel" ] && [ "$suffix_set" = 0 ]; then
	suffix=-$(basename "$kernel")
fi

# Build what is missing or stale.
make -s -C "$TOP/selftests" >&2 || { echo "run_vm.sh: building the selftests failed" >&2; exit 2; }
if [ -z "$module" ]; then
	module=$TOP/build/module/numaclaims.ko
	if [ ! -f "$module" ]; then
		make -s -C "$TOP" module-vm >&2 || { echo "run_vm.sh: make module-vm failed" >&2; exit 2; }
	fi
fi
[ -r "$module" ] || { echo "run_vm.sh: module $module not found" >&2; exit 2; }

name=selftests-${nodes}nodes$suffix
tap=$TOP/build/results/$name.tap
log=$TOP/build/vm/$name.log
if [ -n "$results" ]; then
	mkdir -p "$results" && results=$(cd "$results" && pwd) || exit 2
	tap=$results/$name.tap
	log=$results/$name.log
fi
mkdir -p "$(dirname "$tap")" "$(dirname "$log")"
rm -f "$tap"

vm=("$TOP/tools/vm.sh" --nodes "$nodes" --mem-per-node "$mem"
    --timeout "$timeout" --log "$log" --out "$tap" --quiet
    --add "$TOP/build/selftests/numaclaims_test:/bin/numaclaims_test"
    --add "$HERE/guest.sh:/bin/nc-selftests-guest.sh"
    --add "$module:/lib/numaclaims-test/numaclaims.ko")
[ -n "$kernel" ] && vm+=(--kernel "$kernel")

# The guest command line is run by /bin/sh: quote each word.
cmd="sh /bin/nc-selftests-guest.sh /lib/numaclaims-test/numaclaims.ko"
for p in $params; do cmd+=" $(printf '%q' "$p")"; done
cmd+=" --"
for f in "${filters[@]}"; do cmd+=" $(printf '%q' "$f")"; done

echo "run_vm.sh: $nodes nodes, $(basename "$module") $params${kernel:+, kernel $kernel}" >&2
t0=$(date +%s)
"${vm[@]}" -- "$cmd"
status=$?
t1=$(date +%s)

echo "run_vm.sh: VM status $status after $((t1 - t0)) s; TAP in ${tap#$TOP/}, console in ${log#$TOP/}" >&2
splat=0
"$TOP/tools/splat-check.sh" "$log" >&2 || splat=1
# prove judges the TAP (plan, every line ok, no Bail out!); the nested
# harness results are guest.sh's lines "selftests: numaclaims:
# numaclaims_test" (exit status) and "numaclaims_test: ... planned results".
prove --exec cat "$tap" >&2
count_status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
	exit "$status"
fi
[ "$status" -eq 0 ] && [ "$splat" -eq 0 ] && [ "$count_status" -eq 0 ] && exit 0
exit 1
