#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/make-help-test.sh - `make help` names every target of the Makefile's
# .PHONY lists (a target nobody can find is a target nobody runs), and
# every target it names exists.  TAP on stdout.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
help=$(make -s -C "$top" --no-print-directory help)
# make's own database (-p, nothing run: -n -q; as bash-completion reads
# it): the .PHONY targets and every rule, with the kernel matrix's pattern
# and $(foreach) targets expanded.
db=$(make -npq -C "$top" --no-print-directory .DEFAULT 2>/dev/null)
phony=$(sed -n 's/^\.PHONY: //p' <<<"$db" | tr ' ' '\n' | sed '/^$/d' | sort -u)
n=0 failed=0
t() {	# NAME CMD...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n $1"; else echo "not ok $n $1"; failed=$((failed + 1)); fi
}
named() {	# TARGET: a word of the help text (make T, "T:" lists, "(T:", ", T")
	grep -q -E "(^|[ (,])$1([ ,:)]|$)" <<<"$help"
}
# Internal ones: all (the default goal), deps (deps-%).
for target in $phony; do
	case "$target" in all|deps) continue ;; esac
	t "make help names '$target'" named "$target"
done
# Every "make T" of the help is a rule of the Makefile.
for target in $(grep -o -E 'make [a-z0-9-]+' <<<"$help" | awk '{ print $2 }' | sort -u); do
	t "'make $target' (named by make help) is a target" \
		grep -q -E "^$target:" <<<"$db"
done
echo "1..$n"
exit $((failed > 0))
