# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Sourced by the shell tests of userspace/tests: TAP counters and t().
# The sourcing script sets tmp (a scratch directory) first.
n=0
failed=0

t() {	# t NAME COMMAND...: run, report, keep its output in the log
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/log" 2>&1; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		sed 's/^/#   /' "$tmp/log" | tail -20
		failed=$((failed + 1))
	fi
}

tap_end() {	# the plan and the totals; status 1 if anything failed
	echo "1..$n"
	echo "$((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
}
