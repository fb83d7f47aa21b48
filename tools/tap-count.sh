#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/tap-count.sh - count TAP / KTAP results over several files.
#
# usage: tools/tap-count.sh [-q] FILE...
#        tools/tap-count.sh --selftest
#
# Counts every leaf test case: an `ok`/`not ok` line at any indentation that
# is not the summary line of a suite.  A result line at indentation k is a
# leaf unless result lines at a deeper indentation came after the previous
# result line at indentation <= k (KTAP prints a suite's line after its
# subtests).  Handled input:
#   - TAP 13 from kselftest_harness.h binaries, KTAP v1 from KUnit
#     (/sys/kernel/debug/kunit/*/results), nested to any depth;
#   - kselftest runner output, whose nested lines start with "# " (each "# "
#     prefix is one more level; such lines need a test number);
#   - console logs: a leading printk timestamp "[    1.234567] " and CRs are
#     stripped, other lines ignored.
# Directives: "# SKIP" (any case) counts as passed and as skipped, also on a
# `not ok` line; "# TODO" on `not ok` counts as skipped; "# XFAIL" on `ok` as
# passed.  Counted as failures too: "Bail out!", a missing or unreadable
# file, a file with no result at all, and the tests a top-level plan `1..N`
# announced but that never reported (a crashed or killed run).
#
# Prints each failure as "FAIL FILE:LINE: text" (unless -q), then
#   N skipped
#   N passed, N failed
# Exit status: 0 no failure, 1 failures, 2 usage error.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)

count() {	# [-q] FILE... -> report on stdout, status
	local quiet=0
	[ "${1:-}" = -q ] && { quiet=1; shift; }
	local f
	# One stream: a \001FILE header before each file's lines, so that empty
	# and missing files keep their place.
	for f in "$@"; do
		printf '\001FILE %s\n' "$f"
		if [ -r "$f" ] && [ -f "$f" ]; then
			sed -e '$a\' -- "$f"
		else
			printf '\001MISSING\n'
		fi
	done |
	awk -v quiet="$quiet" '
	function fail_msg(msg) { fail_n(1, msg) }
	function fail_n(n, msg) {
		failed += n
		if (!quiet) print "FAIL " msg
	}
	# Close the current plan section of the current file.
	function close_plan() {
		if (plan_n >= 0 && plan_seen < plan_n)
			fail_n(plan_n - plan_seen, name ": planned " plan_n " tests, " plan_seen " reported (" (plan_n - plan_seen) " missing, counted failed)")
		plan_n = -1; plan_seen = 0
	}
	function end_file() {
		if (fileno == 0) return
		close_plan()
		if (results == 0)
			fail_msg(name ": no TAP results" (missing ? " (file missing or unreadable)" : ""))
	}
	BEGIN {
		passed = failed = skipped = 0
		fileno = 0
	}
	/^\001FILE / {
		end_file()
		fileno++
		name = substr($0, 7)
		missing = 0; lineno = 0
		sp = 0; results = 0; plan_n = -1; plan_seen = 0; plan_depth = -1; unplanned = 0
		next
	}
	/^\001MISSING$/ { missing = 1; next }
	{
		lineno++
		line = $0
		sub(/\r+$/, "", line)
		gsub(/\r/, "", line)
		sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)	# printk timestamp

		# depth: whitespace, plus 1000 per "# " nesting prefix
		depth = 0; hashed = 0
		while (1) {
			match(line, /^[ \t]*/)
			depth += RLENGTH
			line = substr(line, RLENGTH + 1)
			if (line ~ /^# /) {
				depth += 1000; hashed = 1
				line = substr(line, 3)
			} else break
		}

		if (line ~ /^Bail out!/) {
			results++
			fail_msg(name ":" lineno ": " line)
			next
		}
		if (line ~ /^1\.\.[0-9]+/) {
			if (plan_depth < 0) plan_depth = depth
			if (depth == plan_depth) {
				close_plan()
				match(line, /^1\.\.[0-9]+/)
				plan_n = substr(line, 4, RLENGTH - 3) + 0
				# A trailing plan (TAP allows the plan last) covers
				# the results already seen at its depth.
				if (unplanned > 0) {
					if (unplanned < plan_n)
						fail_n(plan_n - unplanned, name ": planned " plan_n " tests, " unplanned " reported (" (plan_n - unplanned) " missing, counted failed)")
					plan_n = -1
				}
				unplanned = 0
			}
			next
		}
		if (hashed) {
			if (line !~ /^(not ok|ok)[ \t]+[0-9]+([ \t]|$)/) next
		} else if (line !~ /^(not ok|ok)([ \t]|$)/) next

		results++
		if (depth == plan_depth && plan_n >= 0) plan_seen++
		else if (plan_n < 0 && (plan_depth < 0 ? depth == 0 : depth == plan_depth)) unplanned++
		isok = (line !~ /^not ok/)

		# leaf test: no deeper result since the last one at depth <= this
		leaf = 1
		while (sp > 0 && stack[sp] > depth) { sp--; leaf = 0 }
		while (sp > 0 && stack[sp] == depth) sp--
		stack[++sp] = depth
		if (!leaf) {
			# A suite line.  Its failure is already counted in its
			# subtests, but not if it fails on its own (e.g. a suite
			# init error after passing cases): not counted, as KTAP
			# parsers (kunit.py) do.
			next
		}

		lower = tolower(line)
		if (lower ~ /#[ \t]*skip/) { passed++; skipped++; next }
		if (!isok && lower ~ /#[ \t]*todo/) { skipped++; next }
		if (isok) { passed++; next }
		fail_msg(name ":" lineno ": " line)
	}
	END {
		end_file()
		print skipped " skipped"
		print passed " passed, " failed " failed"
		exit failed > 0 ? 1 : 0
	}'
}

selftest() {
	# Every tools/testdata/tap/*.tap holds a "# expect: N passed, N failed,
	# N skipped" comment; the counter must agree on each file alone.
	local dir=$HERE/testdata/tap f exp got n=0 bad=0 total
	total=$(ls "$dir"/*.tap 2>/dev/null | wc -l)
	# The plain TAP files (no KTAP, not a console log): prove judges those
	# (tools/run-suite.sh, judge=prove), so its verdict must be the counter's.
	local plain
	plain=$(grep -L -e 'KTAP version' -e '^\[ *[0-9]*\.[0-9]*\] ' "$dir"/*.tap)
	echo "TAP version 13"
	echo "1..$((total + 2 + $(wc -w <<<"$plain")))"
	for f in "$dir"/*.tap; do
		n=$((n + 1))
		exp=$(sed -n 's/^# expect: //p' "$f" | tr -d '\r')
		got=$(count -q "$f" | awk 'NR==1 {s=$1} NR==2 {print $1 " passed, " $3 " failed, " s " skipped"}')
		if [ -n "$exp" ] && [ "$exp" = "$got" ]; then
			echo "ok $n ${f##*/}"
		else
			echo "not ok $n ${f##*/} # expected '$exp', got '$got'"
			bad=$((bad + 1))
		fi
	done
	# the total over all files is the sum of the parts
	n=$((n + 1))
	exp=$(sed -n 's/^# expect: //p' "$dir"/*.tap | tr -d '\r' | awk -F'[ ,]+' '
		{ p += $1; f += $3; s += $5 } END { print p " passed, " f " failed, " s " skipped" }')
	got=$(count -q "$dir"/*.tap | awk 'NR==1 {s=$1} NR==2 {print $1 " passed, " $3 " failed, " s " skipped"}')
	if [ "$exp" = "$got" ]; then echo "ok $n all files together"
	else echo "not ok $n all files together # expected '$exp', got '$got'"; bad=$((bad + 1)); fi
	# a missing file is a failure and the exit status says so
	n=$((n + 1))
	got=$(count -q "$dir/does-not-exist.tap"); st=$?
	if [ $st -eq 1 ] && [ "$(tail -n1 <<<"$got")" = "0 passed, 1 failed" ]; then
		echo "ok $n missing file fails"
	else
		echo "not ok $n missing file fails # status $st, got '$got'"; bad=$((bad + 1))
	fi
	for f in $plain; do
		n=$((n + 1))
		count -q "$f" >/dev/null
		exp=$([ $? -eq 0 ] && echo PASS || echo FAIL)
		if ! command -v prove >/dev/null; then	# tools-test runs before deps.sh
			echo "ok $n prove agrees on ${f##*/} # SKIP no prove (perl) yet"
			continue
		fi
		got=$(prove --exec cat "$f" 2>&1 | sed -n 's/^Result: //p')
		if [ "$exp" = "$got" ]; then
			echo "ok $n prove agrees on ${f##*/} ($got)"
		else
			echo "not ok $n prove agrees on ${f##*/} # counter $exp, prove '${got}'"; bad=$((bad + 1))
		fi
	done
	echo "$((n - bad)) passed, $bad failed"
	[ $bad -eq 0 ]
}

case "${1:-}" in
--selftest)	selftest; exit $? ;;
-h|--help)	sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
"")		echo "usage: tools/tap-count.sh [-q] FILE... | --selftest" >&2; exit 2 ;;
esac
q=
[ "$1" = -q ] && { q=-q; shift; }
[ $# -gt 0 ] || { echo "usage: tools/tap-count.sh [-q] FILE..." >&2; exit 2; }
count $q "$@"
