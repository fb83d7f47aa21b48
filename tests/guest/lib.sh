# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# tests/guest/lib.sh - the guest library of the VM suites (busybox sh).
# tools/run-suite.sh puts it in every guest as /lib/numaclaims/guest-lib.sh;
# a guest script sources it:
#
#   out=/tmp/NAME.out		# optional: where a check's output is kept
#   . /lib/numaclaims/guest-lib.sh
#
# TAP goes to fd 3 ($VM_OUT, the clean channel, else stdout) and to the
# console; a failed check's output follows its "not ok" as "#" lines.
#   pass NAME, fail NAME           a result
#   check NAME CMD...              ok if CMD succeeds
#   run NAME STATUS PATTERN CMD... ok if CMD exits STATUS and its output
#                                  matches grep -E PATTERN ("" = anything)
#   tap_done                       the plan and the totals; status 1 if
#                                  anything failed
exec 3>"${VM_OUT:-/dev/stdout}"
n=0
failed=0
out=${out:-/tmp/guest.out}
: >"$out"

pass() { n=$((n + 1)); echo "ok $n $1" >&3; echo "ok $n $1"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n $1" >&3; echo "not ok $n $1"
	sed 's/^/#   /' "$out" >&3
}
check() {	# NAME COND...: COND (a command) succeeds
	name=$1
	shift
	if "$@" >>"$out" 2>&1; then pass "$name"; else fail "$name"; fi
}
run() {	# NAME STATUS PATTERN CMD...
	name=$1 want=$2 pattern=$3
	shift 3
	echo "+ $*"
	"$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	if [ "$rc" -ne "$want" ]; then
		echo "# exit $rc, want $want" >>"$out"
		fail "$name"
	elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$out"; then
		echo "# no match for: $pattern" >>"$out"
		fail "$name"
	else
		pass "$name"
	fi
}
tap_done() {
	echo "1..$n" >&3
	echo "# $((n - failed)) passed, $failed failed" >&3
	[ "$failed" -eq 0 ]
}
