#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench/realvm-storm.sh - the real-VM boot storm for `make bench`: nested
# QEMU guests started at once on claimed memory, then on QEMU's own
# host-nodes binding (tools/run-suite.sh realvm-storm, tests/guest/realvm-storm.sh), and
# its section of docs/PERFORMANCE.md (bench/realvm-report.py).
#
# usage: bench/realvm-storm.sh [--raw DIR] [--no-vm] [--no-docs] [--nice N]
#                              [--timeout S] [--quick]
#
#   --raw DIR   where the JSON lines go (default build/bench/raw):
#               DIR/realvm-storm.jsonl; the JSON document is
#               build/bench/realvm-storm.json
#   --no-vm     report from the JSON lines already there
#   --no-docs   print the tables instead of writing docs/PERFORMANCE.md
#   --quick     6 VMs, claims and bind only
# About 3 minutes (10 VMs, three modes).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
raw=$TOP/build/bench/raw vm=1 docs=1 nice=10 timeout=900 quick=0
while [ $# -gt 0 ]; do
	case "$1" in
	--raw)		raw=$2; shift ;;
	--no-vm)	vm=0 ;;
	--no-docs)	docs=0 ;;
	--nice)		nice=$2; shift ;;
	--timeout)	timeout=$2; shift ;;
	--quick)	quick=1 ;;
	-h|--help)	sed -n '3,18s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*)		echo "realvm-storm.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

mkdir -p "$raw"
if [ "$vm" = 1 ]; then
	vms=10 modes="claims bind preferred"
	[ "$quick" = 1 ] && vms=6 modes="claims bind"
	echo "bench/realvm-storm.sh: boot storm of real VMs (nested QEMU)"
	t0=$(date +%s)
	RV_VMS=$vms RV_MODES=$modes RV_OUT=$raw/realvm-storm.jsonl \
		nice -n "$nice" "$TOP/tools/run-suite.sh" --timeout "$timeout" realvm-storm
	echo "bench/realvm-storm.sh: $(( $(date +%s) - t0 )) s"
fi
if [ "$docs" = 1 ]; then
	python3 "$TOP/bench/realvm-report.py" --raw "$raw/realvm-storm.jsonl" \
		--json "$TOP/build/bench/realvm-storm.json" --doc "$TOP/docs/PERFORMANCE.md"
else
	python3 "$TOP/bench/realvm-report.py" --raw "$raw/realvm-storm.jsonl" \
		--json "$TOP/build/bench/realvm-storm.json" --print
fi
