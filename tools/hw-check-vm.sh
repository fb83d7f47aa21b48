#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/hw-check-vm.sh - `make hw-check-vm`: tools/hw-check.sh inside a
# 2-node QEMU VM (tools/run-suite.sh hw-check-vm) as if the VM were the server, with prebuilt
# artifacts (the VM kernel's module, claimctl-static, numaclaims_test,
# membench), then its report checked on the host.  TAP on stdout.
#
# usage: tools/hw-check-vm.sh [--out DIR] [--timeout S] [--no-kunit]
#
#   --out DIR      where the guest's report lands (default build/hw-check-vm):
#                  hw-check.json, hw-check.md, metrics.prom, steps.tap,
#                  selftests.tap, refused.json (the prerequisites run),
#                  console.log, raw;
#                  kunit/ for the debug-kernel run
#   --timeout S    each VM run (default 600)
#   --no-kunit     no second run on the debug kernel
#
# In the guest: first hw-check.sh with a module that does not exist (it
# must fail at the prerequisites, say what is missing, load nothing and
# still write its report), then the real run (--prebuilt --bench-quick,
# pools 10% of each node's free memory; the VM has no /dev/kvm, so the kvm
# step must be skipped, saying why).  On the host: the guest's step
# results, the JSON report (jq; docs/hw-check.schema.json with
# python3-jsonschema; pools, distances, memory back, selftests), the
# Markdown report, and the real claimctl metrics output
# (userspace/tests/prom-check.py).  Then a second VM boots the debug
# kernel (CONFIG_KUNIT=y, KASAN, kmemleak; tools/kunit-kernel.sh) with its
# numaclaims.ko and numaclaims_kunit.ko (make kunit-module): hw-check.sh
# --skip selftests,bench must load, unload and pass the KUnit suites by
# their KTAP lines, and the host's kunit.py parse must agree.  Exit status
# 0 when every line is ok.
set -u
set -o pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$TOP/build/hw-check-vm timeout=600 kunit=1
while [ $# -gt 0 ]; do
	case "$1" in
	--out)		out=$2; shift ;;
	--timeout)	timeout=$2; shift ;;
	--no-kunit)	kunit=0 ;;
	-h|--help)	sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit 0 ;;
	*)		echo "hw-check-vm.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

B=$TOP/build
kver=$("$TOP/tools/kver.sh") || { echo "hw-check-vm.sh: no VM kernel (tools/deps.sh vm)" >&2; exit 2; }
for f in "$B/module/numaclaims.ko" "$B/userspace/claimctl-static" \
	 "$B/selftests/numaclaims_test" "$B/bench/membench" "/boot/config-$kver"; do
	[ -r "$f" ] || { echo "hw-check-vm.sh: $f missing (make hw-check-vm builds it)" >&2; exit 2; }
done
K=
if [ "$kunit" = 1 ]; then
	K=$("$TOP/tools/kunit-kernel.sh" --print-kdir) || exit 2
	for f in "$B/kunit-module/numaclaims.ko" "$B/kunit-module/numaclaims_kunit.ko" \
		 "$K/.config" "$(dirname "$K")/bzImage"; do
		[ -r "$f" ] || { echo "hw-check-vm.sh: $f missing (make kunit-module)" >&2; exit 2; }
	done
fi
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2
rm -rf "$out"/*
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

M=@@HWCHECK	# tests/guest/hw-check-vm.sh's markers

# The guest's files out of its raw channel: RAW DIR.
split_files() {
	touch "$1"
	awk -v M="$M" -v dir="$2" '
		index($0, M "-FILE ") == 1 { f = dir "/" substr($0, length(M) + 7); printf "" > f; next }
		index($0, M "-END ") == 1 { close(f); f = ""; next }
		f != "" { print > f }' "$1"
}

echo "hw-check-vm.sh: booting a 2-node VM ($kver) for tools/hw-check.sh" >&2
"$TOP/tools/run-suite.sh" --results "$out" --timeout "$timeout" hw-check-vm
vm_status=$?
split_files "$out/raw" "$out"
status_of() { sed -n "s/^$M-STATUS $1 \([0-9]*\)$/\1/p" "${2:-$out/raw}"; }

# The debug kernel: KUnit built in, the suites of numaclaims_kunit.ko.
if [ "$kunit" = 1 ]; then
	mkdir -p "$out/kunit"
	echo "hw-check-vm.sh: booting the debug kernel (KUnit, KASAN) for tools/hw-check.sh" >&2
	"$TOP/tools/run-suite.sh" --results "$out/kunit" --timeout "$timeout" hw-check-vm-kunit
	kvm_status=$?
	split_files "$out/kunit/raw" "$out/kunit"
fi

. "$TOP/userspace/tests/tap.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
J=$out/hw-check.json R=$out/refused.json
jqt() {	# NAME FILE FILTER: jq -e FILTER on FILE is true
	t "$1" bash -c "jq -e '$3' '$2' >/dev/null || { echo 'jq: $3'; jq -c . '$2' | cut -c1-2000; exit 1; }"
}

t "the VM ran to the end (status $vm_status, no kernel splat)" test "$vm_status" = 0

# 1. A missing prerequisite: said clearly, nothing loaded, a report anyway.
t "refused run: hw-check.sh exits 1 when a prerequisite is missing (got $(status_of refused))" \
	test "$(status_of refused)" = 1
t "refused run: it says what is missing" \
	grep -q 'FAIL: missing: --prebuilt: /lib/hw/missing.ko not found' "$out/refused.log"
t "refused run: nothing was loaded" bash -c "! grep -q '^$M-LOADED-AFTER-REFUSED' '$out/raw'"
jqt "refused run: its JSON report says fail, prerequisites fail, every other step skipped" "$R" \
	'.result == "fail" and .steps[0].name == "prerequisites" and .steps[0].status == "fail" and
	 ([.steps[1:][] | .status] | unique) == ["skip"] and (.steps | length) == 10'

# 2. The real run.
t "hw-check.sh passes in the VM (exit status $(status_of run))" test "$(status_of run)" = 0
t "the module is unloaded afterwards" bash -c "! grep -q '^$M-LOADED-AFTER-RUN' '$out/raw'"
for s in prerequisites load claimctl selftests bench unload memory; do
	t "guest step $s: ok" grep -Eq "^ok [0-9]+ $s: [^#]" "$out/steps.tap"
done
t "guest step build: skipped (--prebuilt)" grep -Eq '^ok [0-9]+ build: # SKIP --prebuilt' "$out/steps.tap"
t "guest step kunit: skipped, the Debian kernel has no KUnit (from its /boot/config)" \
	grep -Eq '^ok [0-9]+ kunit: # SKIP the kernel has no KUnit \(CONFIG_KUNIT is not set in /boot/config-' "$out/steps.tap"
t "guest step kvm: skipped, and it says why: the VM has no /dev/kvm" \
	grep -Eq '^ok [0-9]+ kvm: # SKIP no /dev/kvm: no KVM on this machine' "$out/steps.tap"
t "guest TAP: a plan of 10 steps, none not ok" \
	bash -c "grep -qx '1\.\.10' '$out/steps.tap' && ! grep -q '^not ok' '$out/steps.tap'"

t "JSON report is valid JSON" jq -e . "$J"
t "JSON report matches docs/hw-check.schema.json" \
	"$PY" -c "import json, sys, jsonschema
jsonschema.validate(json.load(open('$J')), json.load(open('$TOP/docs/hw-check.schema.json')))"
t "the schema refuses a report without steps (it checks something)" \
	"$PY" -c "import json, sys, jsonschema
r = json.load(open('$J')); del r['steps']
try:
    jsonschema.validate(r, json.load(open('$TOP/docs/hw-check.schema.json')))
except jsonschema.ValidationError:
    sys.exit(0)
sys.exit(1)"
jqt "JSON: result pass, 10 steps, build, kvm and kunit skipped, the others passed, no KVM figures" "$J" \
	'.result == "pass" and (.steps | length) == 10 and .kvm == null and
	 ([.steps[] | select(.status == "skip") | .name] | sort) == ["build", "kunit", "kvm"] and
	 ([.steps[] | select(.status != "skip") | .status] | unique) == ["pass"]'
jqt "JSON machine: kernel $kver, CPU model, 2 nodes with CPUs and memory" "$J" \
	".machine.kernel.release == \"$kver\" and (.machine.cpu_model | length) > 0 and
	 .machine.cpus == 2 and .machine.nr_nodes == 2 and (.machine.nodes | length) == 2 and
	 all(.machine.nodes[]; .mem_total_kb > 400000 and (.cpus | length) > 0) and .machine.kernel.kunit == \"n\""
jqt "JSON distances: the VM's SLIT table [[10,21],[21,10]]" "$J" '.machine.distances == [[10,21],[21,10]]'
jqt "JSON pools: 10% of each node's MemFree, rounded down to 2 MiB, all reserved" "$J" \
	'.settings.pool_percent == 10 and
	 all(.machine.nodes[]; .pool_mb == ((.mem_free_kb * 10 / 100 / 1024 / 2) | floor) * 2 and
	     .pool_mb >= 16 and .reserved_pages == .pool_mb * 256) and
	 (.settings.module_params | test("^node_pool_mb=[0-9]+,[0-9]+ debug=1$"))'
jqt "JSON memory: each node lost its pool at load and got it back (4 MiB or 1%)" "$J" \
	'all(.machine.nodes[]; (.free_before_kb - .free_loaded_kb - .pool_mb * 1024 | fabs) <= ([4096, .mem_total_kb / 100] | max) and
	     (.free_before_kb - .free_after_kb) <= ([4096, .mem_total_kb / 100] | max))'
jqt "JSON selftests: every planned result reported, more than 100 passed, none failed" "$J" \
	'.selftests.planned == .selftests.reported and .selftests.failed == 0 and .selftests.passed > 100 and .selftests.exit_status == 0'
jqt "JSON bench: domain and anon triad and chase for all 4 (CPU node, memory node) pairs" "$J" \
	'([.bench[] | select(.test == "triad" and .kind == "domain") | "\(.cpu_node)/\(.mem_node)"] | unique) == ["0/0", "0/1", "1/0", "1/1"] and
	 ([.bench[] | select(.test == "chase" and .kind == "anon")] | length) >= 4 and
	 ([.bench[] | select(.test == "summary") | .placement_ok] | all)'

t "Markdown report: title PASS, machine, distances, 10 steps, benchmark table" bash -c "
	f='$out/hw-check.md'
	head -n1 \"\$f\" | grep -qx '# numaclaims hw-check: PASS' &&
	grep -q '^- kernel: $kver' \"\$f\" && grep -q '^| \*\*1\*\* | 21 | 10 |\$' \"\$f\" &&
	[ \$(sed -n '/^## Steps/,/^## /p' \"\$f\" | grep -cE '^\| [a-z]+ \| (pass|skip) \|') = 10 ] &&
	grep -q '^| domain | 0 | 1 | remote |' \"\$f\""

t "claimctl metrics in the VM: valid exposition (prom-check.py; prometheus_client agrees)" \
	bash -c "'$PY' '$TOP/userspace/tests/prom-check.py' --prefix numaclaims_ '$out/metrics.prom' | tee /dev/stderr | grep -q 'prometheus_client agrees'"
t "claimctl metrics in the VM: both pools and the test domain's per-node claims" bash -c "
	grep -Eq '^numaclaims_node_reserved_pages\{node=\"1\"\} [1-9][0-9]*\$' '$out/metrics.prom' &&
	grep -Eq '^numaclaims_domain_node_claimed_pages\{domid=\"[0-9]+\",node=\"1\"\} 512\$' '$out/metrics.prom' &&
	grep -Eq '^numaclaims_domains [1-9]' '$out/metrics.prom'"
if command -v promtool >/dev/null; then
	t "promtool check metrics: claimctl metrics in the VM" bash -c "promtool check metrics <'$out/metrics.prom'"
fi

# 3. On this host, never loading anything (--no-load): the build path, and
# the missing headers a server meets first.  In a copy of the sources, so
# that its build/ is its own: build/module/numaclaims.ko stays the one the
# other VM suites boot with.
mkdir -p "$tmp/repo"
rsync -a --exclude /build --exclude .git "$TOP/" "$tmp/repo/"
hw=$tmp/repo/tools/hw-check.sh
"$hw" --no-load --kdir "$tmp/no-headers" --out "$out/host-no-headers" >"$out/host-no-headers.log" 2>&1
st=$?
t "host, headers missing: exit 1, names the headers package of the running kernel" bash -c "
	[ $st = 1 ] && grep -q 'FAIL: missing: kernel headers: no $tmp/no-headers/Makefile; install the headers of the running kernel, linux-headers-$(uname -r)' '$out/host-no-headers.log'"
jqt "host, headers missing: the report says fail at the prerequisites" "$out/host-no-headers/hw-check.json" \
	'.result == "fail" and .steps[0].status == "fail" and .settings.no_load'
"$hw" --no-load --kdir "/lib/modules/$kver/build" --out "$out/host-build" >"$out/host-build.log" 2>&1
st=$?
t "host, --no-load --kdir (the VM kernel): hw-check.sh builds everything, exit 0 (got $st)" test "$st" = 0
jqt "host build: module, userspace, selftests and membench built; load and later steps skipped (--no-load)" \
	"$out/host-build/hw-check.json" \
	'.result == "pass" and (.steps[] | select(.name == "build") | .status == "pass" and
	   (.detail | test("module, userspace, selftests, membench$"))) and
	 ([.steps[] | select(.name != "build" and .name != "prerequisites") | .detail] | unique) == ["--no-load: nothing loaded"]'
t "host build: its build/module/numaclaims.ko is for $kver" \
	bash -c "modinfo -F vermagic '$tmp/repo/build/module/numaclaims.ko' | grep -q '^$kver '"
t "usage: --pool-percent 90 is refused, naming pool_max_percent (status 2)" bash -c "
	'$hw' --pool-percent 90 2>'$tmp/err'; st=\$?; cat '$tmp/err'; [ \$st = 2 ] && grep -q 'pool_max_percent' '$tmp/err'"
t "usage: an unknown option is refused (status 2)" bash -c "'$hw' --bogus >/dev/null 2>&1; [ \$? = 2 ]"
t "usage: --skip of a step that cannot be skipped is refused (status 2)" bash -c "
	'$hw' --skip load 2>'$tmp/err'; st=\$?; cat '$tmp/err'; [ \$st = 2 ] && grep -q 'not one of claimctl' '$tmp/err'"

# 4. KUnit on the debug kernel.
if [ "$kunit" = 1 ]; then
	KJ=$out/kunit/hw-check.json
	t "debug kernel: the VM ran to the end (status $kvm_status, no splat: KASAN, lockdep, kmemleak)" test "$kvm_status" = 0
	t "debug kernel: hw-check.sh passes (exit status $(status_of kunit "$out/kunit/raw"))" \
		test "$(status_of kunit "$out/kunit/raw")" = 0
	for s in prerequisites load claimctl unload memory; do
		t "debug kernel: guest step $s: ok" grep -Eq "^ok [0-9]+ $s: [^#]" "$out/kunit/steps.tap"
	done
	t "debug kernel: selftests and bench skipped (--skip)" bash -c "
		grep -Eq '^ok [0-9]+ selftests: # SKIP --skip selftests' '$out/kunit/steps.tap' &&
		grep -Eq '^ok [0-9]+ bench: # SKIP --no-bench' '$out/kunit/steps.tap'"
	t "debug kernel: kunit step passes the three suites by their KTAP lines" \
		grep -Eq '^ok [0-9]+ kunit: 3 suites \(numaclaims_engine numaclaims_pool numaclaims_superpage\), [0-9]+ cases ok by their KTAP lines' "$out/kunit/steps.tap"
	jqt "debug kernel JSON: CONFIG_KUNIT=y, result pass, kunit passed" "$KJ" \
		'.machine.kernel.kunit == "y" and .result == "pass" and (.steps[] | select(.name == "kunit") | .status) == "pass"'
	t "debug kernel: the KTAP hw-check.sh assembled passes kunit.py parse on the host" \
		bash -c "cd '$tmp' && '$PY' '$K/source/tools/testing/kunit/kunit.py' parse '$out/kunit/kunit.ktap' >'$tmp/kp' 2>&1; st=\$?; tail -n3 '$tmp/kp'
			[ \$st = 0 ] && grep -Eq 'Testing complete\. Ran [1-9][0-9]* tests: passed: [1-9]' '$tmp/kp'"
fi
tap_end
