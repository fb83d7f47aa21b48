#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress/run_vm.sh - the reliability and security run of numaclaims:
# boot storms, random operation sequences, crashes, hostile input and
# isolation in QEMU VMs with 2 and 4 NUMA nodes (and on the debug kernel with
# KASAN, lockdep and kmemleak), and the libFuzzer target on the accounting
# engine on the host.  Prints ONE table of figures at the end.
#
# usage: stress/run_vm.sh [--short] [--seed S] [--fuzz-time S] [--no-debug]
#                         [--no-fuzz] [--only 2n|4n|debug|fuzz]...
#
#   --short        the `make check` version (about 3 minutes on 2 cores)
#   (default)      the full version (`make stress`, about 25 minutes)
#   --seed S       base seed (default: from the clock); printed, and every
#                  program's seed is derived from it: rerun with the same
#                  --seed to get the same operation sequences
#   --fuzz-time S  libFuzzer time budget (short 30 s, full 600 s)
#   --no-debug     skip the debug-kernel VM
#   --no-fuzz      skip the fuzzer
#   --only RUN     run only the given part(s)
#   --module KO, --debug-module KO
#                  test these numaclaims.ko builds (for the Debian and the
#                  debug kernel) instead of build/module/ and
#                  build/kunit-module/ (which are rebuilt when stale)
#
# Results ($STRESS_RESULTS, default build/results): stress-<run>-<program>.tap (TAP, counted by
# tools/tap-count.sh), build/results/stress-figures.txt (the table),
# console logs in build/stress/vm/.  The fuzzer's corpus lives in
# build/stress/fuzz-corpus (seeded from stress/fuzz/corpus); a crashing
# input is copied to stress/fuzz/regressions/ and fails the run; every
# short run replays stress/fuzz/{corpus,regressions}.
#
# Exit status: 0 when every TAP result passed and every violation and loss
# figure is 0, else 1.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
BUILD=$TOP/build
OUT=$BUILD/stress
RESULTS=${STRESS_RESULTS:-$BUILD/results}
VMDIR=$OUT/vm

short=0 seed='' fuzz_time='' debug=1 fuzz=1 only='' user_ko='' user_debug_ko=''
while [ $# -gt 0 ]; do
	case $1 in
	--short) short=1 ;;
	--seed) seed=$2; shift ;;
	--fuzz-time) fuzz_time=$2; shift ;;
	--no-debug) debug=0 ;;
	--no-fuzz) fuzz=0 ;;
	--only) only="$only $2"; shift ;;
	--module) user_ko=$(realpath "$2"); shift ;;
	--debug-module) user_debug_ko=$(realpath "$2"); shift ;;
	-h|--help) sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*) echo "run_vm.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$seed" ] || seed=$(( $(date +%s) % 1000000007 ))
[ -n "$fuzz_time" ] || fuzz_time=$([ $short = 1 ] && echo 30 || echo 600)
want() { [ -z "$only" ] || [[ " $only " == *" $1 "* ]]; }
mode=$([ $short = 1 ] && echo short || echo full)

mkdir -p "$OUT" "$RESULTS" "$VMDIR"
echo "stress: $mode run, seed $seed"
[ -z "$user_ko" ] || echo "stress: module $user_ko"
[ -z "$user_debug_ko" ] || echo "stress: debug module $user_debug_ko"
t_start=$(date +%s)

# ---------------------------------------------------------------------------
# Build: the static guest programs, the fuzz target, the modules.
nice make -s -C "$HERE" guest || exit 1
stale() {	# stale KO: missing or older than a module or uapi source
	[ ! -f "$1" ] || [ -n "$(find "$TOP/module" "$TOP/uapi" "$TOP/Kbuild" -newer "$1" -print -quit)" ]
}
if [ -z "$user_ko" ] && stale "$BUILD/module/numaclaims.ko"; then
	make -s -C "$TOP" module-vm >/dev/null || exit 1
fi
KO=${user_ko:-$BUILD/module/numaclaims.ko}
DEBUG_KO=${user_debug_ko:-$BUILD/kunit-module/numaclaims.ko}
DEBUG_KERNEL=
if [ $debug = 1 ] && want debug; then
	DEBUG_KERNEL=$("$TOP/tools/kunit-kernel.sh" --print-bzimage 2>/dev/null)
	if { [ -z "$user_debug_ko" ] && stale "$DEBUG_KO"; } || [ ! -f "$DEBUG_KERNEL" ]; then
		make -s -C "$TOP" kunit-module >/dev/null 2>&1 || true
		DEBUG_KERNEL=$("$TOP/tools/kunit-kernel.sh" --print-bzimage 2>/dev/null)
	fi
	[ -f "$DEBUG_KO" ] && [ -f "$DEBUG_KERNEL" ] || DEBUG_KERNEL=
fi

# ---------------------------------------------------------------------------
# One VM: run_vm NAME NODES KERNEL KO TIMEOUT "PROGRAM ARGS" ...
# tools/run-suite.sh runs tests/suites/stress.suite (stress-debug.suite on
# the debug kernel), which splits the guest's sections into
# $RESULTS/stress-NAME-SECTION.tap and writes stress-NAME-vm.tap.
run_vm() {
	local name=$1 nodes=$2 kernel=$3 ko=$4 timeout=$5 suite=stress args=() p
	shift 5
	[ -n "$kernel" ] && suite=stress-debug
	for p in "$@"; do
		# shellcheck disable=SC2206
		args+=($p --)
	done
	unset 'args[${#args[@]}-1]'
	rm -f "$RESULTS"/stress-"$name"-*.tap
	echo "stress: VM $name ($nodes nodes${kernel:+, debug kernel})"
	"$TOP/tools/run-suite.sh" --results "$RESULTS" --module "$ko" --timeout "$timeout" \
		"$suite-${nodes}n" -- "${args[@]}"
}

s() { echo $(( (seed * 31 + $1) % 1000000007 )); }	# derived seeds
# The storm on pools that grow on claim: loaded with no pool at all and a
# capacity of pool_mb's 128 MiB per node, so it admits as the sized storm.
GROW='+pool_mb=0 +pool_max_mb=128 +pool_grow_on_claim=1 +pool_grow_release_ms=200 --grow'

if [ $short = 1 ]; then
	want 2n && run_vm 2n 2 "" "$KO" 240 \
		"storm --builders 16 --seed $(s 1)" \
		"storm @storm-grow $GROW --builders 16 --seed $(s 7)" \
		"randops --workers 4 --ops 700 --seed $(s 2)" \
		"crash --rounds 8 --group 4 --seed $(s 3)" \
		"hostile --random 1000 --seed $(s 4)" \
		"isolation --pages 512 --cycles 1 --seed $(s 5)" \
		"mapstress --duration 8 --seed $(s 6)"
	want 4n && run_vm 4n 4 "" "$KO" 240 \
		"storm --builders 32 --seed $(s 11)" \
		"randops --workers 4 --ops 500 --seed $(s 12)" \
		"crash --rounds 4 --group 4 --seed $(s 13)" \
		"hostile --random 500 --seed $(s 14)"
	[ -n "$DEBUG_KERNEL" ] && run_vm debug-2n 2 "$DEBUG_KERNEL" "$DEBUG_KO" 300 \
		"randops --workers 3 --duration 15 --seed $(s 22)" \
		"hostile --random 300 --churn-limit 2048 --seed $(s 24)" \
		"mapstress --duration 8 --seed $(s 26)"
else
	want 2n && run_vm 2n 2 "" "$KO" 1800 \
		"storm --builders 16,32,64 --seed $(s 1)" \
		"storm @storm-grow $GROW --builders 16,32,64 --seed $(s 7)" \
		"randops --workers 8 --duration 150 --seed $(s 2)" \
		"crash --rounds 60 --group 8 --seed $(s 3)" \
		"hostile --random 20000 --enospc --seed $(s 4)" \
		"isolation --pages 32768 --cycles 3 --seed $(s 5)" \
		"mapstress --domains 6 --readers 4 --pages 1024 --duration 60 --seed $(s 6)"
	want 4n && run_vm 4n 4 "" "$KO" 1800 \
		"storm --builders 16,32,64 --seed $(s 11)" \
		"storm @storm-grow $GROW --builders 16,32,64 --seed $(s 17)" \
		"randops --workers 8 --duration 150 --seed $(s 12)" \
		"crash --rounds 40 --group 8 --seed $(s 13)" \
		"hostile --random 10000 --enospc --seed $(s 14)" \
		"isolation --pages 8192 --cycles 2 --seed $(s 15)" \
		"mapstress --domains 8 --readers 4 --pages 512 --duration 45 --seed $(s 16)"
	[ -n "$DEBUG_KERNEL" ] && run_vm debug-2n 2 "$DEBUG_KERNEL" "$DEBUG_KO" 2400 \
		"storm --builders 16,32 --seed $(s 21)" \
		"randops --workers 4 --duration 150 --seed $(s 22)" \
		"crash --rounds 16 --group 4 --seed $(s 23)" \
		"hostile --random 3000 --churn-limit 2048 --seed $(s 24)" \
		"isolation --pages 2048 --cycles 1 --seed $(s 25)" \
		"mapstress --domains 4 --readers 3 --pages 512 --duration 60 --seed $(s 26)"
	[ -n "$DEBUG_KERNEL" ] && want debug && run_vm debug-4n 4 "$DEBUG_KERNEL" "$DEBUG_KO" 1800 \
		"storm --builders 32 --seed $(s 31)" \
		"randops --workers 4 --duration 90 --seed $(s 32)"
fi
if [ $debug = 1 ] && want debug && [ -z "$DEBUG_KERNEL" ]; then
	printf 'TAP version 13\nok 1 - debug-kernel VM # SKIP no debug kernel or module (make kunit-module)\n1..1\n' \
		> "$RESULTS/stress-debug-2n-vm.tap"
fi

# ---------------------------------------------------------------------------
# The fuzzer on the host, then every kept input replayed.
if [ $fuzz = 1 ] && want fuzz; then
	if nice make -s -C "$HERE" fuzz; then
		corpus=$OUT/fuzz-corpus art=$OUT/fuzz-artifacts
		mkdir -p "$corpus" "$art"
		rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*
		cp -n "$HERE"/fuzz/corpus/* "$corpus"/ 2>/dev/null
		echo "stress: fuzzing the engine for $fuzz_time s (seed $seed)"
		FUZZ_ENGINE_OPS_FILE=$OUT/fuzz.ops nice "$OUT/fuzz_engine" -seed="$seed" \
			-max_total_time="$fuzz_time" -timeout=20 -rss_limit_mb=1024 \
			-print_final_stats=1 -artifact_prefix="$art/" "$corpus" \
			> "$OUT/fuzz.log" 2>&1
		fst=$?
		crashes=0
		for c in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*; do
			[ -e "$c" ] || continue
			crashes=$((crashes + 1))
			cp "$c" "$HERE/fuzz/regressions/"
		done
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz.log")
		{
			echo "TAP version 13"
			if [ $fst = 0 ] && [ $crashes = 0 ]; then
				echo "ok 1 - libFuzzer on the engine: $fuzz_time s, no crash"
			else
				echo "not ok 1 - libFuzzer on the engine: status $fst, $crashes crash inputs (kept in stress/fuzz/regressions/)"
				grep -m3 'fuzz_engine: after\|ERROR: ' "$OUT/fuzz.log" | sed 's/^/# /'
			fi
			echo "# FIG fuzz.seconds $fuzz_time"
			echo "# FIG fuzz.executions ${execs:-0}"
			echo "# FIG fuzz.ops $(cat "$OUT/fuzz.ops" 2>/dev/null || echo 0)"
			echo "# FIG fuzz.corpus $(ls "$corpus" | wc -l)"
			echo "# FIG fuzz.crashes $crashes"
			echo "1..1"
		} > "$RESULTS/stress-fuzz.tap"
		"$HERE/fuzz/replay.sh" "$OUT/fuzz_engine" "$HERE/fuzz" > "$RESULTS/stress-fuzz-replay.tap"
	else
		printf 'TAP version 13\nnot ok 1 - build the fuzz target (clang, libclang-rt-14-dev: tools/deps.sh test)\n1..1\n' \
			> "$RESULTS/stress-fuzz.tap"
	fi
fi

# ---------------------------------------------------------------------------
# The table.
note="module: ${KO#"$TOP"/} (sha256 $(sha256sum "$KO" | cut -c1-12))"
[ -z "$DEBUG_KERNEL" ] || note="$note; debug: ${DEBUG_KO#"$TOP"/} (sha256 $(sha256sum "$DEBUG_KO" | cut -c1-12))"
"$HERE/figures.sh" --mode "$mode" --seed "$seed" --note "$note" \
	--seconds $(( $(date +%s) - t_start )) "$RESULTS"/stress-*.tap \
	| tee "$RESULTS/stress-figures.txt"
fig_st=${PIPESTATUS[0]}
"$TOP/tools/tap-count.sh" "$RESULTS"/stress-*.tap
tap_st=$?
[ $fig_st = 0 ] && [ $tap_st = 0 ]
