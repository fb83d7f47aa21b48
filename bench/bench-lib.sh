# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
# bench/bench-lib.sh - what a bench/*-run.sh script that boots one VM and
# writes one section of docs/PERFORMANCE.md needs besides its own VM
# (a descriptor, tests/suites/bench-*.suite): sourced (bash), after TOP is set.
#
#   bench_opts NAME "$@"      the common options (--quick --no-vm --no-docs
#                             --raw DIR --nice N --timeout S --no-build
#                             --module PATH.ko --help) into quick vm docs
#                             RAW nice timeout build module; --help prints
#                             the script's header comment (up to
#                             `set -euo pipefail`).  Defaults may be set
#                             between sourcing this file and the call.
#   bench_suite SUITE         run tests/suites/SUITE.suite (tools/run-suite.sh;
#                             BENCH_* in the environment: see the suite),
#                             niced, with module; sets rc and secs
#   bench_vm_record FILE MEMBERS  append to FILE the VM's JSON record: the
#                             script's MEMBERS ("bench":...,"seconds":...)
#                             and the host's facts (qemu, cpus, cpu_model,
#                             guest_kernel, git, date, quick)
#   bench_vm_failed RC LOG PAT  report a failed VM (its console's last lines
#                             matching PAT) and exit 1; nothing if RC is 0
#   bench_python              the python3 to run a report with (Debian's,
#                             whose matplotlib tools/deps.sh installed)

OUT=$TOP/build/bench
RAW=$OUT/raw
quick=0 vm=1 docs=1 nice=10 timeout=1800 build=1
module=$TOP/build/module/numaclaims.ko

bench_opts() {
	local name=$1
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--quick)	quick=1 ;;
		--no-vm)	vm=0 ;;
		--no-docs)	docs=0 ;;
		--raw)		RAW=$2; shift ;;
		--nice)		nice=$2; shift ;;
		--timeout)	timeout=$2; shift ;;
		--no-build)	build=0 ;;
		--module)	module=$2; shift ;;
		-h|--help)	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
		*)		echo "$name: unknown option $1" >&2; exit 2 ;;
		esac
		shift
	done
}

# bench_suite SUITE: tools/run-suite.sh SUITE (tests/suites/SUITE.suite,
# which reads BENCH_* from the environment), niced, with this run's module;
# sets rc (its status) and secs (its wall time).
bench_suite() {
	local t0
	t0=$(date +%s)
	rc=0
	BENCH_RAW=$RAW nice -n "$nice" "$TOP/tools/run-suite.sh" --module "$module" \
		--timeout "$timeout" "$@" || rc=$?
	secs=$(( $(date +%s) - t0 ))
}

bench_vm_record() {
	printf '{%s,"qemu":"%s","cpus":%d,"cpu_model":"%s","guest_kernel":"%s","git":"%s","date":"%s","quick":%s}\n' \
		"$2" "$(qemu-system-x86_64 --version | head -1)" "$(nproc)" \
		"$(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
		"$("$TOP/tools/kver.sh")" \
		"$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)" \
		"$(date -u +%Y-%m-%dT%H:%MZ)" \
		"$([ "$quick" = 1 ] && echo true || echo false)" >>"$1"
}

bench_vm_failed() {
	[ "$1" = 0 ] && return 0
	echo "$(basename "$0"): the VM failed (status $1); console: $2"
	grep -a "$3" "$2" | tail -20 || true
	exit 1
}

bench_python() {
	if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else echo python3; fi
}
