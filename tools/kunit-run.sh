#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/kunit-run.sh - run KUnit test modules in the debug/KUnit kernel
# (tools/kunit-kernel.sh) under QEMU with N NUMA nodes, collect their KTAP
# results and fail on anything wrong.
#
# usage: tools/kunit-run.sh [options]
#
#   --nodes N           NUMA nodes (default 2); the guest must see N nodes,
#                       all with memory, or the run fails
#   --module PATH.ko    KUnit test module, loaded in the order given;
#                       repeatable (default kunit/numaclaims_kunit.ko)
#   --kdir DIR          the KUnit kernel's build tree (default: the cached
#                       one, `tools/kunit-kernel.sh --print-kdir`, built if
#                       missing); kunit.py is taken from DIR/source
#   --kernel BZIMAGE    kernel to boot (default DIR/../bzImage)
#   --mem-per-node SIZE guest memory per node (default 512M)
#   --timeout SECONDS   whole VM run (default 900: KASAN under TCG is slow)
#   --results DIR       where results go (default build/results)
#   --no-kmemleak       boot with kmemleak=off and skip the leak scan: a run
#                       takes ~6 s instead of ~25 s (2 nodes)
#   --append "ARGS"     extra kernel command line arguments
#
# In the guest, the modules are loaded (their suites run at insmod), every
# /sys/kernel/debug/kunit/<suite>/results is copied to the host over a second
# serial port with the kernel log of the run (dmesg), the modules are
# unloaded and, when the kernel has kmemleak, memory is scanned for leaks
# twice, once the run's objects are past kmemleak's 5 s minimum age.  On the
# host the suites are joined into one KTAP document and checked.  Each suite
# is taken from the kernel log, where KUnit prints it in full; its debugfs
# copy is the cross-check and the fallback (on 6.1 debugfs keeps 512 bytes
# per case and mangles parameterized cases).
#
# Output (N = --nodes):
#   DIR/kunit-Nnodes.tap          KTAP, one top-level test per suite
#   DIR/kunit-Nnodes.json         kunit.py parse --json
#   DIR/kunit-Nnodes.console.log  the guest console
#   DIR/kunit-Nnodes.raw          what the guest sent over the second serial
#                                 port (debugfs results, kernel log, leaks)
#   DIR/kunit-Nnodes.kmemleak     leak report (only if there were leaks)
#
# Exit status 0 only if: the guest saw N nodes with memory, every module
# loaded and unloaded, at least one suite ran, every suite has as many
# results as its plan says (KTAP not truncated), debugfs and the kernel log
# agree on each suite's result, kunit.py parse (the only judge of the
# results: it fails on any failed case or suite) passes,
# kmemleak found nothing and tools/splat-check.sh finds no splat (WARN, BUG,
# KASAN, lockdep...) in the console: KUnit on 6.1 does not fail a case that
# triggers a KASAN report, only the splat check does.  1 test failure or bad results, 2 usage, or the status of
# tools/vm.sh when the VM itself failed (124 timeout, 125 boot/VM error).
set -u
set -o pipefail

# The whole script is one compound command: bash reads it completely before
# running it, so editing (or git checkout of) this file during a long run
# cannot derail the running copy.
{

TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$TOOLS/lib.sh"
ROOT=$(nc_repo_root)
NC_PROG=kunit-run.sh
NC_DIE_STATUS=2

usage() { sed -n '3,/^set -u/{/^set -u/d;s/^# \{0,1\}//p}' "$0"; exit "${1:-2}"; }

nodes=2 kdir= kernel= mem=512M timeout=900 results=$ROOT/build/results
kmemleak=1 append=
modules=()
need_arg() { [ $# -ge 2 ] || nc_die "option $1 needs an argument"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--*=*)	set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
	--nodes)	need_arg "$@"; nodes=$2; shift ;;
	--module)	need_arg "$@"; modules+=("$2"); shift ;;
	--kdir)		need_arg "$@"; kdir=$2; shift ;;
	--kernel)	need_arg "$@"; kernel=$2; shift ;;
	--mem-per-node)	need_arg "$@"; mem=$2; shift ;;
	--timeout)	need_arg "$@"; timeout=$2; shift ;;
	--results)	need_arg "$@"; results=$2; shift ;;
	--no-kmemleak)	kmemleak=0 ;;
	--append)	need_arg "$@"; append=$2; shift ;;
	-h|--help)	usage 0 ;;
	*)		nc_warn "unknown option: $1"; usage ;;
	esac
	shift
done

[[ $nodes =~ ^[1-9][0-9]*$ ]] || nc_die "--nodes must be a positive number"
[ ${#modules[@]} -gt 0 ] || modules=("$ROOT/kunit/numaclaims_kunit.ko")
for m in "${modules[@]}"; do
	[ -r "$m" ] || nc_die "KUnit module '$m' not found (build it against the KUnit kernel: make -C \$($TOOLS/kunit-kernel.sh) M=... modules)"
done
if [ -z "$kdir" ]; then
	kdir=$("$TOOLS/kunit-kernel.sh" --print-kdir) || nc_die "building the KUnit kernel failed"
fi
[ -n "$kernel" ] || kernel=$(dirname "$kdir")/bzImage
[ -r "$kernel" ] || nc_die "kernel '$kernel' not found"
kunit_py=$kdir/source/tools/testing/kunit/kunit.py
[ -r "$kunit_py" ] || nc_die "no kunit.py at $kunit_py (is $kdir a kernel O= build tree?)"

# A module built against another kernel would fail to load with a less
# helpful message in the guest.
kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null)
for m in "${modules[@]}"; do
	vermagic=$(modinfo -F vermagic "$m" 2>/dev/null | cut -d' ' -f1)
	[ -z "$kver" ] || [ -z "$vermagic" ] || [ "$vermagic" = "$kver" ] ||
		nc_die "$m was built for $vermagic, the KUnit kernel is $kver (rebuild with make -C $kdir M=...)"
done

mkdir -p "$results" || nc_die "cannot create $results"
results=$(cd "$results" && pwd)
base=$results/kunit-${nodes}nodes
tap=$base.tap json=$base.json log=$base.console.log leaks=$base.kmemleak
raw=$base.raw
rm -f "$tap" "$json" "$leaks" "$raw"

work=$(mktemp -d "${TMPDIR:-/tmp}/numaclaims-kunit.XXXXXX") || nc_die "mktemp failed"
trap 'rm -rf "$work"' EXIT

M=@@NUMACLAIMS-KUNIT
# ---- guest side --------------------------------------------------------------
# Runs as `/bin/sh /bin/kunit-guest MODULE...` under tools/vm.sh.  Reports go
# to the console (for people reading the log) and to $VM_OUT (for us).
cat >"$work/kunit-guest" <<EOF
#!/bin/sh
M=$M
KMEMLEAK=$kmemleak
EOF
cat >>"$work/kunit-guest" <<'EOF'
out=${VM_OUT:-/dev/null}
up() { cut -d" " -f1 /proc/uptime; }
say() { echo "$M-$* t=$(up)"; echo "$M-$*" >"$out"; }
rc=0

# Multi-node really works?  Without ACPI SRAT NUMA (PCI + ACPI_NUMA) the
# kernel silently ignores QEMU's -numa and shows one node.
online=0 withmem=0
for d in /sys/devices/system/node/node[0-9]*; do
	[ -d "$d" ] || continue
	online=$((online + 1))
	kb=$(awk '/MemTotal:/ { print $4 }' "$d/meminfo")
	[ "${kb:-0}" -gt 0 ] && withmem=$((withmem + 1))
done
say "NODES@@ online=$online with_memory=$withmem expected=$VM_NODES"
if [ "$online" != "$VM_NODES" ] || [ "$withmem" != "$VM_NODES" ]; then
	say "ERROR@@ expected $VM_NODES NUMA nodes with memory"
	exit 3
fi

# No scan before the tests: a kmemleak scan costs 4-6 s under TCG and the
# kernel's own boot leaves no leak behind (checked at 2 and 4 nodes), so
# every leak reported after the run is the run's.
kml=/sys/kernel/debug/kmemleak
[ "$KMEMLEAK" = 1 ] && [ -e $kml ] || kml=

# The kernel log of the run is where the host takes the KTAP from.
dmesg -c >/dev/null
loaded=
for m in "$@"; do
	if insmod "$m"; then
		loaded="$m $loaded"
	else
		say "ERROR@@ insmod $m failed"
		rc=4
	fi
done

for f in /sys/kernel/debug/kunit/*/results; do
	[ -e "$f" ] || continue
	s=${f%/results}
	s=${s##*/}
	say "RESULTS-BEGIN@@ $s"
	cat "$f" >"$out"
	say "RESULTS-END@@ $s"
done
loaded_at=$(up)
say "KLOG-BEGIN@@"
dmesg >"$out"
say "KLOG-END@@"

# Load addresses, to resolve kmemleak backtraces into unloaded modules.
[ -z "$loaded" ] || cat /proc/modules
for m in $loaded; do
	# the module name: file name without .ko, "-" read as "_"
	m=${m##*/}
	m=$(echo "${m%.ko}" | tr - _)
	rmmod "$m" || { say "ERROR@@ rmmod $m failed"; rc=5; }
done

if [ -n "$kml" ]; then
	# kmemleak never reports objects younger than 5 s: wait until the
	# last test allocation is 6 s old.
	sleep "$(awk -v a="$loaded_at" -v b="$(up)" 'BEGIN { w = a + 6 - b; print (w > 0 ? w : 0) }')"
	# Two scans: a stale copy of a leaked pointer (say in a freed, cached
	# kthread stack) can hide a leak from one scan, and a pointer that was
	# only in a register during one scan makes a false positive; the
	# second scan reports what is unreferenced then.
	echo scan >$kml
	echo scan >$kml
	# (debugfs files have size 0: test the content, not [ -s ])
	leaks=$(cat $kml)
	if [ -n "$leaks" ]; then
		say "KMEMLEAK-BEGIN@@"
		echo "$leaks"
		echo "$leaks" >"$out"
		say "KMEMLEAK-END@@"
		rc=6
	else
		say "KMEMLEAK@@ no leaks"
	fi
fi
say "DONE@@ $rc"
exit $rc
EOF

vm_args=(--nodes "$nodes" --mem-per-node "$mem" --kernel "$kernel"
	 --timeout "$timeout" --log "$log" --out "$work/out" --quiet
	 --name "$(basename "$base")"
	 --add "$work/kunit-guest:/bin/kunit-guest")
# A bigger printk buffer: the kernel log of the run is read back with dmesg.
[ "$kmemleak" = 1 ] || append="kmemleak=off $append"
vm_args+=(--append "log_buf_len=1M $append")
guest_mods=()
i=0
for m in "${modules[@]}"; do
	i=$((i + 1))
	vm_args+=(--add "$m:/lib/kunit/$i/$(basename "$m")")
	guest_mods+=("/lib/kunit/$i/$(basename "$m")")
done

nc_warn "booting $(basename "$kernel") with $nodes nodes: ${modules[*]##*/}"
t0=$(date +%s)
"$TOOLS/vm.sh" "${vm_args[@]}" -- /bin/sh /bin/kunit-guest "${guest_mods[@]}"
vm_status=$?
t1=$(date +%s)
touch "$work/out"
cp "$work/out" "$raw"
# A VM that died or hung is one named failure with the panic's first lines,
# next to the suites it cut short.
rm -f "$base-vm.tap"
nc_vm_failure_tap "$work/out" >"$base-vm.tap"
[ -s "$base-vm.tap" ] || rm -f "$base-vm.tap"

# ---- host side -----------------------------------------------------------------
fail=0
problem() { nc_warn "FAIL: $*"; fail=1; }

booted=$(grep -a -o '@@NUMACLAIMS-VM-BOOTED@@.*' "$log" | tail -n1)
nodes_line=$(grep -a -o "$M-NODES@@.*" "$work/out" | tail -n1)
nc_warn "${nodes_line#*@@ } (${booted#*@@ }; wall ${nodes}n: $((t1 - t0)) s)"
grep -a "$M-ERROR@@" "$work/out" | sed "s/^$M-ERROR@@ /kunit-run.sh: guest: /" >&2

# One KTAP document, one top-level test per suite, renumbered.  Each suite is
# taken from the kernel log of the run, where KUnit printed it in full; the
# debugfs results file (/sys/kernel/debug/kunit/<suite>/results) is the
# fallback and the cross-check.  On 6.1 the debugfs copy is not reliable
# enough to be the source: each case keeps only 512 bytes of log (a chatty or
# badly failing case loses its result line) and parameterized cases lose
# their subtest header and all but the last parameter's result, which
# kunit.py parse rejects.  Every suite's plan is checked against its result
# lines (a crash or a lost line leaves fewer results than planned).
awk -v M="$M" -v tap="$tap" '
	function begin_suite(src, n) {
		cur = src SUBSEP n; plan[cur] = ""; count[cur] = 0; top[cur] = ""; body[cur] = ""
		if (!(n in seen)) { seen[n] = 1; order[++nsuites] = n }
	}
	function add_line(line) {
		if (line ~ /^(not )?ok [0-9]+ /) {
			top[cur] = line
		} else if (line ~ /^    1\.\.[0-9]+$/) {
			plan[cur] = substr(line, 8) + 0
		} else if (line ~ /^    (not )?ok [0-9]+ /) {
			count[cur]++
		}
		body[cur] = body[cur] line "\n"
	}
	function complete(k) {
		return plan[k] != "" && count[k] >= plan[k] && top[k] != ""
	}
	function failed(k) { return top[k] ~ /^not ok / }
	index($0, M "-RESULTS-BEGIN@@ ") == 1 {
		mode = "d"; n = 0
		begin_suite("d", $2)
		next
	}
	index($0, M "-KLOG-BEGIN@@") == 1 { mode = "k"; cur = ""; next }
	index($0, M "-") == 1 { mode = ""; next }
	mode == "d" {
		# drop the per-file top-level header
		if (++n <= 2 && ($0 == "KTAP version 1" || $0 ~ /^1\.\.[0-9]+$/)) next
		add_line($0)
		next
	}
	mode == "k" {
		line = $0
		sub(/^<[0-9]+>/, "", line)
		sub(/^\[ *[0-9]+\.[0-9]+\] /, "", line)
		if (line == "    KTAP version 1") { pending = line; next }
		if (pending != "" && line ~ /^    # Subtest: /) {
			begin_suite("k", substr(line, 16))
			add_line(pending)
		}
		pending = ""
		if (cur == "") next
		add_line(line)
		if (line ~ /^(not )?ok [0-9]+ /) cur = ""
	}
	END {
		out = ""
		for (i = 1; i <= nsuites; i++) {
			name = order[i]; d = "d" SUBSEP name; k = "k" SUBSEP name
			use = k
			if (!complete(k) && complete(d)) {
				printf "note: suite %s: incomplete in the kernel log, using its debugfs results\n", name
				use = d
			}
			if (!(k in top) && !(d in top)) continue
			if (plan[use] == "") {
				printf "suite %s: no KTAP plan\n", name
			} else if (count[use] < plan[use]) {
				printf "suite %s: KTAP truncated: %d of %d results\n", name, count[use], plan[use]
			}
			if (top[use] == "") printf "suite %s: no suite result line\n", name
			if (!(d in top)) printf "suite %s: no debugfs results\n", name
			else if (top[k] != "" && top[d] != "" && failed(k) != failed(d))
				printf "suite %s: debugfs says \"%s\", the kernel log \"%s\"\n", name, top[d], top[k]
			nl = split(body[use], lines, "\n")
			for (j = 1; j < nl; j++) {
				line = lines[j]
				if (line ~ /^(not )?ok [0-9]+ /) sub(/ok [0-9]+ /, "ok " i " ", line)
				# Shown, not judged: kunit.py parse decides (below).
				if (line ~ /^ *not ok /) printf "note: suite %s: %s\n", name, line
				out = out line "\n"
			}
		}
		printf "KTAP version 1\n1..%d\n%s", nsuites, out > tap
		if (nsuites == 0) print "no KUnit suite reported results"
	}
' "$work/out" >"$work/ktap-problems"
while IFS= read -r p; do
	case "$p" in
	note:*) nc_warn "$p" ;;
	*) problem "$p" ;;
	esac
done <"$work/ktap-problems"

if [ -s "$tap" ] && [ "$(sed -n 2p "$tap")" != "1..0" ]; then
	(cd "$work" && python3 "$kunit_py" parse --json="$json" "$tap") ||
		problem "kunit.py parse reports failures ($tap)"
fi

if grep -aq "$M-KMEMLEAK-BEGIN@@" "$work/out"; then
	sed -n "/$M-KMEMLEAK-BEGIN@@/,/$M-KMEMLEAK-END@@/p" "$work/out" |
		sed '1d;$d' >"$leaks"
	problem "kmemleak: $(grep -c '^unreferenced object' "$leaks") unreferenced objects, see $leaks"
fi

"$TOOLS/splat-check.sh" "$log" >&2 || problem "kernel splat in $log"

if [ "$vm_status" -ne 0 ]; then
	case $vm_status in
	3) problem "the guest did not see $nodes NUMA nodes with memory" ;;
	4|5) problem "loading or unloading a test module failed (see $log)" ;;
	6) ;;	# leaks: reported above
	*) problem "tools/vm.sh failed with status $vm_status (see $log)" ;;
	esac
fi

if [ $fail = 0 ]; then
	nc_warn "PASS: $(sed -n 2p "$tap" | cut -c4-) suites, $nodes nodes; $tap"
	exit 0
fi
nc_warn "console log: $log"
case $vm_status in
0|3|4|5|6) exit 1 ;;
*) exit "$vm_status" ;;
esac
exit
}
