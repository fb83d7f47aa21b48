#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/splat-check.sh - fail if a kernel log holds a splat.
#
# usage: tools/splat-check.sh [-v] [--ignore REGEX]... LOGFILE...
#        tools/splat-check.sh --selftest
#
# Run it on the console log after EVERY VM run (tools/vm.sh --log FILE ...;
# tools/splat-check.sh FILE), or let vm.sh do it with --splat-check.  A test
# whose command passed but whose kernel warned, oopsed, leaked or broke a
# locking rule has failed.
#
# A splat is any line matching (extended regexps, case-sensitive):
#   BUG:  kernel BUG at  BUG <slab> (Not tainted|Tainted...) (SLUB debug)
#   KASAN:  UBSAN:  KFENCE:  KCSAN:  WARNING:  Oops  Call Trace:
#   general protection fault  Kernel panic  Bad page state|map
#   lockdep: possible circular locking / recursive locking / irq lock
#     inversion, inconsistent lock state, suspicious RCU usage, bad unlock
#     balance, held lock freed, lock held when returning to user space,
#     trying to register non-static key
#   kmemleak: unreferenced object, N new suspected memory leaks
#     (kmemleak reports only after a scan: a test that wants leak checking
#     runs `echo scan > /sys/kernel/debug/kmemleak; cat /sys/kernel/debug/kmemleak`
#     in the guest so that the report reaches the console)
#   hung tasks (blocked for more than), RCU stalls, list_add/list_del
#     corruption, refcount_t: warnings
#
#   --ignore REGEX  drop matching lines before checking (repeatable; also
#                   NUMACLAIMS_SPLAT_IGNORE, one extended regexp)
#   -v              say "clean" for clean logs
#   --selftest      TAP: every tools/testdata/splat/*.log must give its
#                   expected verdict: clean-*.log exit 0; any other exit 1
#                   with its first offending line matching the extended
#                   regexp in NAME.expect (e.g. a UBSAN shift report of the
#                   6.1 and of the 6.12 debug kernel)
#
# Prints every offending line (FILE:LINE: text), then the first 40 lines of
# the first splat for context.  Exit status: 0 clean, 1 splat, 2 usage or
# unreadable file.
set -u

PATTERNS=(
	'BUG:'
	'kernel BUG at'
	'BUG [^ ]+ \((Not tainted|Tainted)'
	'KASAN:'
	'UBSAN:'
	'KFENCE:'
	'KCSAN:'
	'WARNING:'
	'Oops'
	'Call Trace:'
	'general protection fault'
	'Kernel panic'
	'Bad page (state|map)'
	'possible circular locking'
	'possible recursive locking'
	'possible irq lock inversion'
	'inconsistent lock state'
	'suspicious RCU usage'
	'bad unlock balance'
	'held lock freed'
	'lock held when returning to user space'
	'trying to register non-static key'
	'unreferenced object'
	'kmemleak: [0-9]+ new suspected memory leaks'
	'blocked for more than [0-9]+ seconds'
	'rcu: INFO: .* stall'
	'self-detected stall'
	'list_(add|del) corruption'
	'refcount_t: '
)

selftest() {
	local dir=$(dirname "$0")/testdata/splat f name out st first exp n=0 bad=0
	local files=("$dir"/*.log)
	echo "TAP version 13"
	echo "1..${#files[@]}"
	for f in "${files[@]}"; do
		n=$((n + 1))
		name=${f##*/}
		out=$(NUMACLAIMS_SPLAT_IGNORE= "$0" "$f" 2>&1)
		st=$?
		case "$name" in
		clean-*)
			if [ $st = 0 ]; then echo "ok $n $name: clean"
			else echo "not ok $n $name: status $st, expected clean"; bad=$((bad + 1)); fi
			;;
		*)
			first=$(sed -n 2p <<<"$out")
			exp=$(cat "${f%.log}.expect" 2>/dev/null)
			if [ $st = 1 ] && [ -n "$exp" ] && grep -qE -- "$exp" <<<"$first"; then
				echo "ok $n $name: splat: ${first#*.log:}"
			else
				echo "not ok $n $name: status $st, first offending line '${first#*.log:}', expected /$exp/"
				bad=$((bad + 1))
			fi
			;;
		esac
	done
	echo "# $((n - bad)) passed, $bad failed"
	[ $bad = 0 ]
}

verbose=0
ignores=()
[ -n "${NUMACLAIMS_SPLAT_IGNORE:-}" ] && ignores+=("$NUMACLAIMS_SPLAT_IGNORE")
files=()
while [ $# -gt 0 ]; do
	case "$1" in
	-v)		verbose=1 ;;
	--ignore)	[ $# -ge 2 ] || { echo "splat-check.sh: --ignore needs a regexp" >&2; exit 2; }
			ignores+=("$2"); shift ;;
	--ignore=*)	ignores+=("${1#*=}") ;;
	-h|--help)	sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	--selftest)	selftest; exit ;;
	--)		shift; files+=("$@"); break ;;
	-*)		echo "splat-check.sh: unknown option $1" >&2; exit 2 ;;
	*)		files+=("$1") ;;
	esac
	shift
done
[ ${#files[@]} -gt 0 ] || { echo "usage: tools/splat-check.sh [-v] [--ignore REGEX]... LOGFILE..." >&2; exit 2; }

pattern=$(IFS='|'; echo "${PATTERNS[*]}")
ignore=
[ ${#ignores[@]} -gt 0 ] && ignore=$(IFS='|'; echo "${ignores[*]}")

status=0
for f in "${files[@]}"; do
	if [ ! -r "$f" ]; then
		echo "splat-check.sh: cannot read $f" >&2
		status=2
		continue
	fi
	hits=$(grep -a -n -E -- "$pattern" "$f" | tr -d '\r')
	if [ -n "$ignore" ] && [ -n "$hits" ]; then
		hits=$(grep -a -v -E -- "$ignore" <<<"$hits")
	fi
	if [ -z "$hits" ]; then
		[ $verbose = 1 ] && echo "splat-check: $f: clean"
		continue
	fi
	[ $status = 0 ] && status=1
	n=$(wc -l <<<"$hits")
	echo "splat-check: $f: $n offending line(s):"
	sed "s|^|$f:|" <<<"$hits"
	first=${hits%%:*}
	start=$((first > 3 ? first - 3 : 1))
	echo "---- context: $f lines $start-$((start + 39)) ----"
	sed -n "${start},$((start + 39))p" "$f" | tr -d '\r'
	echo "----"
done
exit $status
