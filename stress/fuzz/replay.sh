#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress/fuzz/replay.sh - run every kept fuzz input once: the seed corpus
# (stress/fuzz/corpus/) and the crash regressions (stress/fuzz/regressions/).
# TAP on stdout, one line per input.
#
# usage: stress/fuzz/replay.sh FUZZ_ENGINE_BINARY STRESS_FUZZ_DIR
set -u
bin=$1 dir=$2
n=0 bad=0
echo "TAP version 13"
for f in "$dir"/corpus/* "$dir"/regressions/*; do
	[ -f "$f" ] || continue
	case ${f##*/} in README*|*.md) continue ;; esac
	n=$((n + 1))
	rel=${f#"$dir"/}
	if out=$("$bin" "$f" 2>&1); then
		echo "ok $n - replay $rel"
	else
		echo "not ok $n - replay $rel"
		echo "$out" | grep -m3 'fuzz_engine: after\|ERROR: \|SUMMARY' | sed 's/^/# /'
		bad=$((bad + 1))
	fi
done
echo "1..$n"
[ $bad = 0 ]
