#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# claimctl metrics: the exposition of fixed structures (metrics-unit,
# which asserts the samples) must pass the format check
# (userspace/tests/prom-check.py: grammar, HELP and TYPE exactly once per
# metric, no duplicate series; cross-checked by python3-prometheus-client's
# parser) and, where installed, `promtool check metrics`; the checker must
# refuse bad texts (its --selftest); and claimctl metrics without the
# module fails with one line and leaves FILE alone.  TAP output.
#
# usage: CLAIMCTL=... METRICS_UNIT=... userspace/tests/metrics-test.sh [TOP]
set -u
TOP=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
CLAIMCTL=${CLAIMCTL:-$TOP/build/userspace/claimctl}
METRICS_UNIT=${METRICS_UNIT:-$TOP/build/userspace/metrics-unit}
CHECK=$TOP/userspace/tests/prom-check.py
# Debian's python3 (python3-prometheus-client is a Debian package).
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$TOP/userspace/tests/tap.sh"

t "metrics-unit renders fixed structures (its own TAP, in the log on failure)" \
	"$METRICS_UNIT" "$tmp/full.prom" "$tmp/empty.prom"
t "prom-check.py refuses bad texts and passes a good one (--selftest)" \
	"$PY" "$CHECK" --selftest
t "python3-prometheus-client is installed (tools/deps.sh test)" \
	"$PY" -c 'import prometheus_client.parser'
t "format: pools and domains (prom-check.py, prometheus_client agrees)" \
	bash -c "'$PY' '$CHECK' --prefix numaclaims_ '$tmp/full.prom' | tee /dev/stderr | grep -q 'prometheus_client agrees'"
t "format: no pools, no domains" \
	"$PY" "$CHECK" --prefix numaclaims_ "$tmp/empty.prom"
if command -v promtool >/dev/null; then
	t "promtool check metrics: pools and domains" \
		bash -c "promtool check metrics <'$tmp/full.prom'"
fi
t "the unit test's text has the domain series (not an empty render)" \
	grep -q '^numaclaims_domain_node_claimed_pages{domid="7",node="0"} 1000$' "$tmp/full.prom"
echo keep >"$tmp/out.prom"
t "claimctl metrics FILE without the module: exit 1, one line, FILE untouched" \
	bash -c "'$CLAIMCTL' --device '$tmp/no-device' metrics '$tmp/out.prom' 2>'$tmp/err'; st=\$?
		cat '$tmp/err'; [ \$st = 1 ] && [ \$(wc -l <'$tmp/err') = 1 ] &&
		grep -q 'claimctl: metrics: open .*ENOENT' '$tmp/err' &&
		[ \"\$(cat '$tmp/out.prom')\" = keep ] && [ \$(ls '$tmp' | grep -c out.prom) = 1 ]"
t "claimctl metrics takes at most one FILE (usage error, status 2)" \
	bash -c "'$CLAIMCTL' metrics a b 2>/dev/null; [ \$? = 2 ]"
t "claimctl help lists metrics" bash -c "'$CLAIMCTL' help | grep -q '^  metrics '"
tap_end
