#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/run-suite.sh - the one VM suite runner: runs a suite described by
# tests/suites/NAME.suite in a QEMU VM booted by tools/vm.sh, and judges it.
#
# usage: tools/run-suite.sh [options] SUITE [SERIES] [-- GUEST-ARGS...]
#
#   SUITE              a descriptor's name (tests/suites/SUITE.suite), or
#                      NAME-ARG for tests/suites/NAME.suite with $ARG=ARG
#                      (selftests-4: selftests.suite with ARG=4)
#   SERIES             the kernel series: empty (Debian 6.1, the VMs'
#                      default), 612 (Debian's 6.12) or 73 (Debian's 7.3);
#                      picks the kernel and the numaclaims.ko built for it
#                      (make module-S) and adds -SERIES to the results name
#   --results DIR      put the results (TAP, console log, metadata) in DIR
#                      instead of build/results/ and build/vm/
#   --timeout S        override the descriptor's timeout
#   --module KO        test this numaclaims.ko instead of the series' build
#   --dry-run          print the tools/vm.sh command line and stop
#   --list             list the suites
#   GUEST-ARGS         appended to the guest command ($GUEST_ARGS), e.g.
#                      kselftest filters for the selftests suites
#
# The runner, for every suite: sources the descriptor, runs its build
# check (build=, then that the kernel and module exist and match), boots
# the VM (tools/vm.sh) with the descriptor's nodes, memory, kernel, module
# and parameters, files and guest command, checks the console for kernel
# splats (tools/splat-check.sh), judges the results (judge=), and writes
#   build/results/RESULTS.tap    the TAP the guest wrote to $VM_OUT
#   build/vm/RESULTS.log         the console
#   build/vm/RESULTS.meta        what ran: suite, series, kernel, module
#                                (sha256), nodes, parameters, status, time
#   build/vm/RESULTS.splat       what tools/splat-check.sh said
#
# A descriptor is bash, sourced with these set: TOP, BUILD, RESULTS
# (build/results), SUITE, ARG (see above, may be empty), SERIES, SUFFIX
# (-SERIES or empty), GUEST_ARGS (quoted words) and the kernel flavour's
# KERNEL and MODULE once kernel= is known (in the hooks).  It sets:
#   nodes=2  mem_per_node=512M  dist_matrix=  append=  timeout=300
#   kernel=debian|debug  Debian's kernel of SERIES, or the debug (KUnit,
#                        KASAN, lockdep, kmemleak) kernel of SERIES
#   load=vm|guest|none   vm: vm.sh insmods MODULE with params= before the
#                        guest command (and with rmmod=1 rmmods it after:
#                        a failed rmmod fails the run); guest: the guest
#                        command loads it itself from
#                        /lib/numaclaims/numaclaims.ko; none: no numaclaims.ko
#   params="k=v ..."     the module's parameters
#   modules=(KO ...)     with load=vm: more modules, loaded after numaclaims.ko
#                        (a benchmark's numaclaims_bench.ko)
#   add=(SRC:DEST ...)   files for the guest (relative SRC: from TOP); every
#                        guest also gets the guest library tests/guest/lib.sh
#                        as /lib/numaclaims/guest-lib.sh (TAP helpers)
#   guest='COMMAND'      run by the guest's /bin/sh
#   results=NAME         results name (default the suite's name + SUFFIX)
#   out=FILE             where $VM_OUT lands (default RESULTS/NAME.tap)
#   log=FILE             the console log (default build/vm/NAME.log)
#   build=(CMD ...)      shell commands run first, from TOP (e.g. make -s -C selftests)
#   judge=status|prove|hook
#                        status: the VM's exit status and the splat check;
#                        prove: that and `prove` on the TAP; hook: the
#                        descriptor's suite_judge VM-STATUS SPLAT(0|1)
#                        decides (and prints) and returns the status
#   quiet=0              copy the console to stdout (the demo)
#   splat_filter=CMD     a filter the console goes through before the
#                        splat check (expected reports, e.g. the OOM killer's)
#   suite_prepare()      optional: run after the build check, before the boot
#
# Exit status: 0 passed; 1 a test failed or the kernel splatted; 2 usage
# or build error; 124 (timeout) and 125 (the VM did not report) from vm.sh.
set -u
set -o pipefail

# One compound command: bash reads it whole before running it, so editing
# (or a git checkout of) this file during a run cannot derail the run.
{
TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$TOOLS/lib.sh"
TOP=$(nc_repo_root)
NC_PROG=run-suite.sh
NC_DIE_STATUS=2
SUITES=$TOP/tests/suites
BUILD=$TOP/build
RESULTS=$BUILD/results
VMLOGS=$BUILD/vm

usage() { sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit "${1:-2}"; }

dry=0 timeout_opt= module_opt= pos=() GUEST_ARGS=
while [ $# -gt 0 ]; do
	case "$1" in
	--results)	[ $# -ge 2 ] || nc_die "--results needs a directory"
			mkdir -p "$2" || exit 2
			RESULTS=$(cd "$2" && pwd) VMLOGS=$RESULTS; shift ;;
	--timeout)	[ $# -ge 2 ] || nc_die "--timeout needs seconds"; timeout_opt=$2; shift ;;
	--module)	[ $# -ge 2 ] || nc_die "--module needs a .ko"; module_opt=$(realpath "$2"); shift ;;
	--dry-run)	dry=1 ;;
	--list)		for f in "$SUITES"/*.suite; do
				printf '%-16s %s\n' "$(basename "$f" .suite)" "$(sed -n 's/^# [^ ]*\.suite - //p' "$f" | head -n1)"
			done; exit 0 ;;
	-h|--help)	usage 0 ;;
	--)		shift; for a in "$@"; do GUEST_ARGS+=" $(printf '%q' "$a")"; done; break ;;
	-*)		nc_warn "unknown option $1"; usage ;;
	*)		pos+=("$1") ;;
	esac
	shift
done
[ ${#pos[@]} -ge 1 ] && [ ${#pos[@]} -le 2 ] || usage
SUITE=${pos[0]} SERIES=${pos[1]:-} ARG=
desc=$SUITES/$SUITE.suite
if [ ! -f "$desc" ] && [[ $SUITE == *-* ]]; then
	ARG=${SUITE##*-}
	desc=$SUITES/${SUITE%-*}.suite
fi
[ -f "$desc" ] || nc_die "no suite '$SUITE' (tests/suites/; --list)"
case "$SERIES" in
''|61)	SERIES= SUFFIX= ;;
612|73)	SUFFIX=-$SERIES ;;
*)	nc_die "unknown kernel series '$SERIES' (612 or 73; none for 6.1)" ;;
esac

# ---- the descriptor ---------------------------------------------------------
nodes=2 mem_per_node=512M dist_matrix= append= timeout=300
kernel=debian load=vm params= add=() guest= results= out= log= build=()
judge=status splat_filter= rmmod=0 quiet=1 modules=()
. "$desc" || nc_die "cannot read $desc"
[ -n "$guest" ] || nc_die "$desc sets no guest command"
[ -n "$results" ] || results=$SUITE$SUFFIX
[ -n "$timeout_opt" ] && timeout=$timeout_opt
[ -n "$out" ] || out=$RESULTS/$results.tap
[ -n "$log" ] || log=$VMLOGS/$results.log
meta=${log%.log}.meta

# ---- kernel and module of the flavour and series -----------------------------
case "$kernel:$SERIES" in
debian:)	KERNEL=$("$TOOLS/kver.sh" --vmlinuz) MODULE=$BUILD/module/numaclaims.ko mk="make module-vm" ;;
debian:612)	KERNEL=$("$TOOLS/kver.sh" --series 6.12 --vmlinuz) MODULE=$BUILD/module-612/numaclaims.ko mk="make module-612" ;;
debian:73)	KERNEL=$("$TOOLS/trixie-root.sh" --print-vmlinuz) MODULE=$BUILD/module-73/numaclaims.ko mk="make module-73" ;;
debug:)		KERNEL=$("$TOOLS/kunit-kernel.sh" --print-bzimage) MODULE=$BUILD/kunit-module/numaclaims.ko mk="make kunit-module" ;;
debug:612)	KERNEL=$("$TOOLS/kunit-kernel.sh" --series 6.12 --print-bzimage) MODULE=$BUILD/kunit-module-612/numaclaims.ko mk="make kunit-module-612" ;;
*)		nc_die "$SUITE: no $kernel kernel for series '${SERIES:-6.1}'" ;;
esac
[ -n "$module_opt" ] && MODULE=$module_opt

# ---- build check --------------------------------------------------------------
for c in "${build[@]}"; do
	(cd "$TOP" && eval "$c") >&2 || nc_die "$SUITE: build step failed: $c"
done
[ -r "$KERNEL" ] || nc_die "$SUITE: kernel '$KERNEL' not found"
if [ "$load" != none ]; then
	[ -r "$MODULE" ] || [ "$dry" = 1 ] || nc_die "$SUITE: $MODULE missing ($mk)"
	# vermagic against the kernel's release (the image's version string)
	kv=$(file -bL "$KERNEL" 2>/dev/null | sed -n 's/.*version \([^ ]*\) .*/\1/p')
	mv=$(modinfo -F vermagic "$MODULE" 2>/dev/null | cut -d' ' -f1)
	[ -z "$kv" ] || [ -z "$mv" ] || [ "$kv" = "$mv" ] ||
		nc_die "$SUITE: $MODULE is built for $mv, the kernel is $kv ($mk)"
fi
if declare -F suite_prepare >/dev/null; then
	suite_prepare || nc_die "$SUITE: preparing failed"
fi

# ---- boot ------------------------------------------------------------------------
vm=("$TOOLS/vm.sh" --nodes "$nodes" --mem-per-node "$mem_per_node" --kernel "$KERNEL"
    --timeout "$timeout" --log "$log" --out "$out" --name "$results")
[ "$quiet" = 1 ] && vm+=(--quiet)
[ -n "$dist_matrix" ] && vm+=(--dist-matrix "$dist_matrix")
[ -n "$append" ] && vm+=(--append "$append")
case "$load" in
vm)	vm+=(--module "$MODULE"); [ -n "$params" ] && vm+=(--params "$params")
	for m in "${modules[@]}"; do vm+=(--module "$m"); done
	[ "$rmmod" = 1 ] && vm+=(--rmmod) ;;
guest)	vm+=(--add "$MODULE:/lib/numaclaims/numaclaims.ko") ;;
none)	;;
*)	nc_die "$desc: load must be vm, guest or none, not '$load'" ;;
esac
# The guest library (tests/guest/lib.sh), in every guest.
vm+=(--add "$TOP/tests/guest/lib.sh:/lib/numaclaims/guest-lib.sh")
for a in "${add[@]}"; do
	[[ $a == /* ]] || a=$TOP/$a
	vm+=(--add "$a")
done
vm+=(-- "$guest$GUEST_ARGS")
if [ "$dry" = 1 ]; then
	printf '%q ' "${vm[@]}"; echo
	exit 0
fi

mkdir -p "$(dirname "$out")" "$(dirname "$log")" || nc_die "cannot create the results directories"
rm -f "$out" "$meta"
nc_warn "$SUITE${SERIES:+ ($SERIES)}: $nodes nodes, $(basename "$KERNEL")${params:+, $params}"
t0=$(date +%s)
"${vm[@]}"
status=$?
t1=$(date +%s)
[ -e "$out" ] || : >"$out"

# ---- splat check, judging ------------------------------------------------------
splat=0 checked=$log splatf=${log%.log}.splat
if [ -n "$splat_filter" ]; then
	checked=$log.filtered
	eval "$splat_filter" <"$log" >"$checked"
fi
"$TOOLS/splat-check.sh" "$checked" >"$splatf" 2>&1 || { splat=1; cat "$splatf" >&2; }
case "$judge" in
status)	verdict=$status
	[ "$verdict" = 0 ] && [ "$splat" = 1 ] && verdict=1 ;;
prove)	verdict=$status
	prove --exec cat "$out" >&2 || { [ "$verdict" = 0 ] && verdict=1; }
	[ "$verdict" = 0 ] && [ "$splat" = 1 ] && verdict=1 ;;
hook)	suite_judge "$status" "$splat"
	verdict=$? ;;
*)	nc_die "$desc: judge must be status, prove or hook, not '$judge'" ;;
esac
# vm.sh's statuses pass through; a failing command is a failure (1).
case "$verdict" in 0|1|124|125) ;; *) verdict=1 ;; esac

{
	echo "suite=$SUITE"
	echo "series=${SERIES:-61}"
	echo "kernel=$KERNEL"
	[ "$load" = none ] || echo "module=${MODULE#"$TOP"/} sha256=$(sha256sum "$MODULE" | cut -c1-16)"
	echo "nodes=$nodes mem_per_node=$mem_per_node"
	echo "params=$params"
	echo "guest=$guest$GUEST_ARGS"
	echo "vm_status=$status splat=$splat verdict=$verdict"
	echo "seconds=$((t1 - t0)) date=$(date -u +%FT%TZ -d "@$t0")"
	echo "commit=$(git -C "$TOP" describe --always --dirty 2>/dev/null)"
} >"$meta"
nc_warn "$SUITE${SERIES:+ ($SERIES)}: $([ "$verdict" = 0 ] && echo PASS || echo "FAIL ($verdict)") after $((t1 - t0)) s; ${out#"$TOP"/}, ${log#"$TOP"/}"
exit "$verdict"
}
