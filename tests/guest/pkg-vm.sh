#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Inside a 2-node VM (busybox) with numaclaims.ko loaded (pools of 64 MiB
# or more per node): the example domain builder (examples/domain-builder.c,
# built statically against an installed libclaims) builds and destroys a
# domain, and refuses one that does not fit with nothing left behind; then
# the Python binding's VM test (python/tests/vm_test.py) on the staged
# CPython (packaging/tests/python-stage.sh).  make pkg-vm runs it
# (tests/suites/pkg-vm.suite: tools/run-suite.sh pkg-vm).
#
# TAP on $VM_OUT.
# HOST_INFO as JSON without scrub_pages: the scrubbers change those on
# their own, while a domain's pages being freed shows in every other figure.
info_json() { claimctl info --json | sed 's/"scrub_pages":[0-9]*,//g'; }
set -u
exec 3>"${VM_OUT:-/dev/stdout}"
n=0
failed=0
log=/tmp/pkg-vm.out
ok() {	# ok NAME STATUS
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1" >&3
	else
		echo "not ok $n $1" >&3
		sed 's/^/#   /' "$log" >&3
		failed=$((failed + 1))
	fi
}
domains() { claimctl --json info | sed -n 's/.*"nr_domains":\([0-9]*\).*/\1/p'; }

base=$(info_json)
domain-builder 64 >"$log" 2>&1
st=$?
cat "$log"
ok "domain-builder 64: exit 0" $st
grep -q "^domain [0-9]*: claimed 16384 pages in 1 entries on nodes 0x[12] " "$log"
ok "domain-builder: one node claimed (the planner's one-node plan)" $?
grep -q "^domain [0-9]*: populated 16384 pages at gfns 0-16383, claim released$" "$log"
ok "domain-builder: populated all of it, released the claim" $?
grep -Eq "^domain [0-9]+: node [01]: 16384 pages \(0 in superpages\)$" "$log"
ok "domain-builder: every page on the claimed node" $?
grep -q "^domain [0-9]*: destroyed$" "$log"
ok "domain-builder: destroyed" $?
domain-builder -c 1 64 >"$log" 2>&1
st=$?
cat "$log"
[ $st = 0 ] && grep -q "on nodes 0x2 " "$log" && grep -q "node 1: 16384 pages" "$log"
ok "domain-builder -c 1 64: the memory on node 1, next to the CPUs" $?
domain-builder 4096 >"$log" 2>&1
st=$?
cat "$log"
[ $st = 1 ] && grep -q "claim (does not fit now; nothing allocated) (domain [0-9]*): Cannot allocate memory" "$log" &&
	grep -q "destroyed" "$log"
ok "domain-builder 4096: refused at claim time (exit 1), domain destroyed" $?
[ "$(info_json)" = "$base" ]
echo "before: $base" >"$log"; echo "after:  $(info_json)" >>"$log"
ok "domain-builder left the host as it found it ($(domains) domains)" $?
domain-builder -d /dev/nonexistent 64 >"$log" 2>&1
st=$?
[ $st = 1 ] && grep -q "modprobe numaclaims" "$log"
ok "domain-builder on a missing device: claims_strerror's message, exit 1" $?

# The Python binding: its own TAP lines, numbered after these.
PYTHONHOME=/usr PYTHONPATH=/opt/numaclaims-python VM_OUT=/tmp/py.tap \
	python3 -S -B /opt/vm_test.py >"$log" 2>&1
st=$?
cat "$log"
while read -r line; do
	case "$line" in
	"ok "*)	n=$((n + 1)); echo "ok $n ${line#ok [0-9]* }" >&3 ;;
	"not ok "*) n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n ${line#not ok [0-9]* }" >&3 ;;
	"#"*)	echo "$line" >&3 ;;
	esac
done </tmp/py.tap
grep -q "^1\.\." /tmp/py.tap
ok "python vm_test.py ran to its end and exited 0" $((st || $?))
echo "1..$n" >&3
[ "$failed" = 0 ]
