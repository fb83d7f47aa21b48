#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tools/vm-harness-test.sh - TAP: tools/vm.sh reports a guest that dies or
# hangs by name, with the panic's first lines, on stderr and in its --out
# TAP; and a guest that toggles trace events (live text patching) while its
# other vCPU schedules survives under vm.sh's default single-threaded TCG.
# Run by `make vm-harness-test` (part of `make check`).
#
# usage: tools/vm-harness-test.sh [--toggles N] [--tcg-threads single|multi]
#
#   --toggles N      trace-event on/off rounds of the text-patching test
#                    (default 30)
#   --tcg-threads T  run the text-patching test with this TCG mode (default
#                    vm.sh's, single).  With multi it is the reproducer of
#                    the "Oops: int3" in __schedule that single prevents
#                    (expect that test to fail, intermittently).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
toggles=30 tcg=()
while [ $# -gt 0 ]; do
	case "$1" in
	--toggles)	toggles=$2; shift ;;
	--tcg-threads)	tcg=(--tcg-threads "$2"); shift ;;
	*)		echo "vm-harness-test.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
work=$(mktemp -d "${TMPDIR:-/tmp}/vm-harness.XXXXXX") || exit 2
[ -n "${VM_HARNESS_KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
n=0 fail=0
ok() {	# STATUS TEXT
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
# Diagnostics: the files shown behind "#   | ", so that the TAP and "Bail out!"
# lines inside them are not read as this file's results (or nested ones).
diag() { sed 's/^/#   | /' "$@"; }

echo "1..7"

# guest NAME TIMEOUT COMMAND: run COMMAND in a 2-node VM whose TAP is
# $work/NAME.tap (its first result "ok 1"), stderr in NAME.err; sets $st.
guest() {
	"$TOP/tools/vm.sh" --nodes 2 --timeout "$2" --quiet --out "$work/$1.tap" \
		--log "$work/$1.log" -- "echo '1..3' >\$VM_OUT; echo 'ok 1 first' >\$VM_OUT; $3" \
		2>"$work/$1.err"
	st=$?
}

# 1-3: a guest whose kernel panics half way through its TAP.
guest panic 180 'echo c >/proc/sysrq-trigger'
diag "$work/panic.err"
[ "$st" = 125 ] && grep -q '^vm.sh: VM FAILED (panic): kernel died: Kernel panic' "$work/panic.err" &&
	grep -q 'sysrq' "$work/panic.err"
ok $? "a panicking guest: vm.sh exits 125 and names the run and the panic on stderr (status $st)"
diag "$work/panic.tap"
grep -q '^not ok 2 vm: panic: kernel died: Kernel panic' "$work/panic.tap" &&
	grep -q '^# .*sysrq' "$work/panic.tap" && grep -q '^Bail out! panic: the VM died' "$work/panic.tap"
ok $? "a panicking guest: its TAP gets 'not ok 2' with the panic's first lines and Bail out!"
"$TOP/tools/tap-count.sh" "$work/panic.tap" >"$work/panic.count"
st=$?
diag "$work/panic.count"
[ "$st" = 1 ] && grep -q 'FAIL .*panic.tap:[0-9]*: not ok 2 vm: panic: kernel died: Kernel panic' "$work/panic.count" &&
	grep -q '^1 passed, [1-9][0-9]* failed$' "$work/panic.count"
ok $? "a panicking guest: tap-count (make check's summary) prints the panic as a failure"

# 4-5: a guest that hangs (its command never returns).
guest hang 45 'sleep 1000'
diag "$work/hang.err"
[ "$st" = 124 ] && grep -q '^vm.sh: VM FAILED (hang): hung: no result within 45 s' "$work/hang.err"
ok $? "a hung guest: vm.sh exits 124 and names the run on stderr (status $st)"
diag "$work/hang.tap"
grep -q '^not ok 2 vm: hang: hung: no result within 45 s' "$work/hang.tap" &&
	grep -q '^Bail out! hang' "$work/hang.tap"
ok $? "a hung guest: its TAP gets 'not ok 2' and Bail out!"

# 6-7: live text patching while the other vCPU schedules.  Enabling the
# first trace event starts the sched_switch probe (command-name recording),
# which patches a jump in __schedule with text_poke_bp(); turning tracing
# events on and off again and again while CPU 1 context-switches all the
# time is what crashed a 6.12 guest under multi-threaded TCG.
cat >"$work/toggle.sh" <<'EOF'
#!/bin/sh
t=/sys/kernel/tracing
[ -d $t/events/sched ] || t=/sys/kernel/debug/tracing
echo "1..1" >$VM_OUT
# Two busy schedulers on CPU 1: every switch runs the patched site.
(while :; do :; done) & a=$!
(while :; do :; done) & b=$!
taskset -p 2 $a >/dev/null 2>&1; taskset -p 2 $b >/dev/null 2>&1
i=0
while [ $i -lt "$1" ]; do
	echo 1 >$t/events/sched/sched_process_exec/enable
	echo 1 >$t/events/timer/enable
	echo 0 >$t/events/timer/enable
	echo 0 >$t/events/sched/sched_process_exec/enable
	i=$((i + 1))
done
kill $a $b
echo "ok 1 $i trace-event on/off rounds" >$VM_OUT
EOF
for k in "" 612; do
	kernel=() label="Debian 6.1"
	if [ "$k" = 612 ]; then
		kv=$("$TOP/tools/kver.sh" --series 6.12 2>/dev/null)
		if [ -z "$kv" ] || [ ! -r "/boot/vmlinuz-$kv" ]; then
			ok 0 "# SKIP text patching on 6.12: no Debian 6.12 kernel installed (make module-612 installs it)"
			continue
		fi
		kernel=(--kernel "/boot/vmlinuz-$kv") label="Debian 6.12"
	fi
	t0=$(date +%s)
	"$TOP/tools/vm.sh" --nodes 2 --timeout 600 --quiet --splat-check "${tcg[@]}" \
		"${kernel[@]}" --out "$work/toggle$k.tap" --log "$work/toggle$k.log" \
		--add "$work/toggle.sh:/bin/toggle.sh" -- sh /bin/toggle.sh "$toggles" 2>"$work/toggle$k.err"
	st=$?
	t1=$(date +%s)
	diag "$work/toggle$k.err"
	diag "$work/toggle$k.tap"
	[ "$st" = 0 ] && grep -q "^ok 1 $toggles trace-event on/off rounds" "$work/toggle$k.tap"
	ok $? "$label: $toggles rounds of trace events on/off while CPU 1 schedules: no crash (status $st, $((t1 - t0)) s)"
done
exit $fail
