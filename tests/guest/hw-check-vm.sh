#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tests/guest/hw-check-vm.sh - in the VMs of tools/hw-check-vm.sh (busybox sh;
# tests/suites/hw-check-vm.suite and hw-check-vm-kunit.suite).
#
# usage (in the guest): hw-check-guest [kunit]
#
# Without kunit: hw-check.sh first with a module that does not exist (it
# must fail at the prerequisites and still write its report), then the
# real run (--prebuilt --bench-quick).  With kunit (the debug kernel):
# hw-check.sh --skip selftests,bench with numaclaims_kunit.ko.  Every
# status as "@@HWCHECK-STATUS NAME N" and every file the host checks
# between "@@HWCHECK-FILE NAME" and "@@HWCHECK-END NAME" on $VM_OUT.
M=@@HWCHECK
o=${VM_OUT:-/dev/null}
ko=/lib/numaclaims/numaclaims.ko
emit() {	# NAME FILE
	echo "$M-FILE $1" >>"$o"
	[ -r "$2" ] && cat "$2" >>"$o"
	echo "$M-END $1" >>"$o"
}
if [ "${1:-}" = kunit ]; then
	hw-check.sh --prebuilt --claimctl /bin/claimctl --selftest /bin/numaclaims_test \
		--module $ko --kunit-module /lib/hw/numaclaims_kunit.ko \
		--kernel-config /lib/hw/kconfig --skip selftests,bench --out /tmp/hw --tap /tmp/steps.tap
	echo "$M-STATUS kunit $?" >>"$o"
	for f in /tmp/steps.tap /tmp/hw/hw-check.json /tmp/hw/logs/kunit.ktap; do
		emit "${f##*/}" "$f"
	done
	exit 0
fi
common="--prebuilt --claimctl /bin/claimctl --selftest /bin/numaclaims_test --membench /bin/membench"
# shellcheck disable=SC2086
hw-check.sh $common --module /lib/hw/missing.ko --out /tmp/refused >/tmp/refused.log 2>&1
echo "$M-STATUS refused $?" >>"$o"
emit refused.json /tmp/refused/hw-check.json
emit refused.log /tmp/refused.log
lsmod | grep -q '^numaclaims ' && echo "$M-LOADED-AFTER-REFUSED" >>"$o"
# shellcheck disable=SC2086
hw-check.sh $common --module $ko --bench-quick --out /tmp/hw --tap /tmp/steps.tap
echo "$M-STATUS run $?" >>"$o"
emit steps.tap /tmp/steps.tap
emit hw-check.json /tmp/hw/hw-check.json
emit hw-check.md /tmp/hw/hw-check.md
emit metrics.prom /tmp/hw/metrics.prom
emit selftests.tap /tmp/hw/logs/selftests.tap
lsmod | grep -q '^numaclaims ' && echo "$M-LOADED-AFTER-RUN" >>"$o"
exit 0
